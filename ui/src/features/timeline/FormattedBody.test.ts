import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { FormattedElement, FormattedNode } from "../../bindings";
import { FakeBackend } from "../../test/backend";
import FormattedBody from "./FormattedBody.svelte";

const text = (t: string): FormattedNode => ({ type: "text", text: t });
function el(tag: FormattedElement["tag"], children: FormattedNode[], extra: Partial<FormattedElement> = {}): FormattedNode {
  return {
    type: "element",
    tag,
    href: null,
    inApp: false,
    mentionUserId: null,
    spoiler: null,
    color: null,
    language: null,
    start: null,
    children,
    ...extra,
  };
}

describe("formatted messages", () => {
  it("builds the sender's formatting as DOM elements, text staying text", () => {
    new FakeBackend();
    const { container } = render(FormattedBody, {
      nodes: [
        el("p", [text("Ordre du jour "), el("strong", [text("important")]), text(" <script>alert(1)</script>")]),
        el("ol", [el("li", [text("un")]), el("li", [el("code", [text("deux()")])])], { start: 3 }),
        el("span", [text("rouge")], { color: "red" }),
      ],
    });
    const root = container.querySelector(".formatted")!;
    expect(root.querySelector("p > strong")?.textContent).toBe("important");
    expect(root.querySelector("ol")?.getAttribute("start")).toBe("3");
    expect(root.querySelectorAll("ol > li")).toHaveLength(2);
    expect(root.querySelector("li > code")?.textContent).toBe("deux()");
    expect(root.querySelector("span.text-color--red")?.textContent).toBe("rouge");
    // Markup inside text is shown, never parsed.
    expect(root.querySelector("script")).toBeNull();
    expect(root.querySelector("p")?.textContent).toContain("<script>alert(1)</script>");
    expect(root.querySelector("[style]")).toBeNull();
  });

  it("never makes a link of an address it does not open, even from a wrong tree", () => {
    new FakeBackend();
    const { container } = render(FormattedBody, {
      nodes: [
        el("a", [text("cliquez")], { href: "javascript:alert(1)" }),
        el("a", [text("données")], { href: "data:text/html,<script>alert(1)</script>" }),
        // A tag outside the list shows its content only.
        el("script" as FormattedElement["tag"], [text("dedans")]),
      ],
    });
    expect(container.querySelector("a")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.textContent).toContain("cliquez");
    expect(container.textContent).toContain("dedans");
    expect(container.innerHTML).not.toContain("javascript");
  });

  it("asks before opening a link whose text hides its address, then opens it in the browser", async () => {
    const backend = new FakeBackend({ open_external_link: () => null });
    const user = userEvent.setup();
    render(FormattedBody, { nodes: [el("a", [text("le site du ministère")], { href: "https://exemple.fr/piege" })] });
    await user.click(screen.getByRole("link", { name: "le site du ministère" }));
    const dialog = await screen.findByRole("dialog", { name: "Ouvrir ce lien ?" });
    expect(dialog.textContent).toContain("Ce lien mène à https://exemple.fr/piege — Ouvrir ?");
    expect(backend.callsOf("open_external_link")).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Ouvrir" }));
    await waitFor(() => expect(backend.callsOf("open_external_link")).toEqual([{ url: "https://exemple.fr/piege" }]));
  });

  it("opens nothing when the user cancels", async () => {
    const backend = new FakeBackend({ open_external_link: () => null });
    const user = userEvent.setup();
    render(FormattedBody, { nodes: [el("a", [text("ici")], { href: "https://exemple.fr/" })] });
    await user.click(screen.getByRole("link", { name: "ici" }));
    await user.click(await screen.findByRole("button", { name: "Annuler" }));
    expect(backend.callsOf("open_external_link")).toHaveLength(0);
  });

  it("opens a link showing its own address without asking", async () => {
    const backend = new FakeBackend({ open_external_link: () => null });
    const user = userEvent.setup();
    render(FormattedBody, { nodes: [el("a", [text("https://exemple.fr")], { href: "https://exemple.fr/" })] });
    await user.click(screen.getByRole("link", { name: "https://exemple.fr" }));
    await waitFor(() => expect(backend.callsOf("open_external_link")).toEqual([{ url: "https://exemple.fr/" }]));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("hides a spoiler until it is revealed, by click or keyboard", async () => {
    new FakeBackend();
    const user = userEvent.setup();
    render(FormattedBody, {
      nodes: [el("span", [text("il meurt à la fin")], { spoiler: "" }), el("span", [text("le coupable")], { spoiler: "enquête" })],
    });
    expect(document.body.textContent).not.toContain("il meurt");
    await user.click(screen.getByRole("button", { name: "Contenu masqué — afficher" }));
    expect(document.body.textContent).toContain("il meurt à la fin");
    screen.getByRole("button", { name: "Contenu masqué (enquête) — afficher" }).focus();
    await user.keyboard("{Enter}");
    expect(document.body.textContent).toContain("le coupable");
  });
});
