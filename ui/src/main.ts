// DSFR: CSS only (its JavaScript is not used). Only the parts the app needs.
import "@gouvfr/dsfr/dist/core/core.main.min.css";
import "@gouvfr/dsfr/dist/component/link/link.main.min.css";
import "@gouvfr/dsfr/dist/component/button/button.main.min.css";
import "@gouvfr/dsfr/dist/component/form/form.main.min.css";
import "@gouvfr/dsfr/dist/component/input/input.main.min.css";
import "@gouvfr/dsfr/dist/component/alert/alert.main.min.css";
import "@gouvfr/dsfr/dist/component/badge/badge.main.min.css";
import "./app.css";

import { mount } from "svelte";
import App from "./App.svelte";
import { initLocale } from "./lib/i18n/locale.svelte";

initLocale();

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing from index.html");

export default mount(App, { target });
