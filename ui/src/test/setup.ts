import "@testing-library/jest-dom/vitest";
import { clearMocks, mockWindows } from "@tauri-apps/api/mocks";
import { cleanup } from "@testing-library/svelte";
import { afterEach, beforeEach } from "vitest";
import { clearDrafts } from "../features/timeline/drafts";
import { setLocale } from "../lib/i18n/locale.svelte";
import { FakeIntersectionObserver } from "./screen";

// jsdom has no <dialog> behaviour: a minimal stand-in (open attribute, close
// event; Escape fires "cancel" then closes, as browsers do).
if (typeof HTMLDialogElement !== "undefined" && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
    this.addEventListener("keydown", escapeCloses);
  };
  HTMLDialogElement.prototype.show = HTMLDialogElement.prototype.showModal;
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement, returnValue?: string) {
    if (!this.hasAttribute("open")) return;
    this.removeAttribute("open");
    this.removeEventListener("keydown", escapeCloses);
    if (returnValue !== undefined) this.returnValue = returnValue;
    this.dispatchEvent(new Event("close"));
  };
}

function escapeCloses(this: HTMLDialogElement, event: KeyboardEvent) {
  if (event.key !== "Escape") return;
  if (this.dispatchEvent(new Event("cancel", { cancelable: true }))) this.close();
}

// jsdom has no IntersectionObserver: a stand-in that reports nothing until a
// test says what is on screen (see `showOnScreen` in test/screen.ts).
if (typeof window.IntersectionObserver === "undefined") {
  window.IntersectionObserver = FakeIntersectionObserver as unknown as typeof IntersectionObserver;
}

// jsdom has no layout: scrolling is a no-op there.
Element.prototype.scrollIntoView ??= function () {};

beforeEach(() => {
  // The app runs in one webview, "main" (drag and drop listens to it).
  mockWindows("main");
  localStorage.clear();
  setLocale("fr");
  localStorage.clear();
});

afterEach(() => {
  // Unmount first: components stop listening while the IPC mock still exists.
  cleanup();
  clearMocks();
  clearDrafts();
});
