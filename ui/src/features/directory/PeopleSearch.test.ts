import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { PersonSearch } from "../../bindings";
import { appError, deferred, FakeBackend } from "../../test/backend";
import PersonPicker from "./PersonPicker.svelte";
import { BRIGITTE, BRUNO, mainScreen, NINA } from "./testing";

const found = (people = [BRUNO, BRIGITTE, NINA], limited = false): PersonSearch => ({ people, limited });

async function openNewDm(backend: FakeBackend) {
  const user = await mainScreen(backend);
  await user.click(screen.getByRole("button", { name: "Nouvelle discussion" }));
  const dialog = screen.getByRole("dialog", { name: "Nouvelle discussion" });
  return { user, dialog, field: within(dialog).getByRole("searchbox", { name: /Rechercher une personne/ }) };
}

describe("new direct chat from the directory", () => {
  it("searches as one types, shows ministries and the Externe badge, and opens the chat with a result", async () => {
    const backend = new FakeBackend({ search_people: () => found(), create_dm: () => "!dm:x" });
    const { user, dialog, field } = await openNewDm(backend);
    expect(field).toHaveFocus();

    await user.type(field, "B");
    expect(backend.callsOf("search_people")).toHaveLength(0);
    await user.type(field, "ru");
    const results = await within(dialog).findByRole("list", { name: "Personnes trouvées" });
    // One question for the whole word typed.
    expect(backend.callsOf("search_people")).toEqual([{ term: "Bru" }]);
    const items = within(results).getAllByRole("listitem");
    expect(items.map((i) => i.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      `BP Bruno Petit [Intérieur] ${BRUNO.userId}`,
      `BR Brigitte Roux [Dinum] ${BRIGITTE.userId}`,
      `NB Nina Brun Externe ${NINA.userId}`,
    ]);
    expect(within(items[2]!).getByText("Externe")).toHaveClass("fr-badge");
    expect(within(items[0]!).queryByText("Externe")).toBeNull();

    await user.click(within(dialog).getByRole("button", { name: "Écrire à Bruno Petit, Intérieur" }));
    await waitFor(() => expect(backend.callsOf("create_dm")).toEqual([{ userId: BRUNO.userId }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!dm:x"));
  });

  it("says when nobody matches, and offers a typed Matrix ID the directory does not know", async () => {
    const backend = new FakeBackend({ search_people: () => found([]), create_dm: () => "!dm:x" });
    const { user, dialog, field } = await openNewDm(backend);
    await user.type(field, "Zoé");
    expect(await within(dialog).findByText(/Aucune personne ne correspond à « Zoé »/)).toHaveAttribute("role", "status");

    // Someone who hid their profile: reachable by their ID.
    await user.clear(field);
    await user.type(field, "@zoe.martin:agent.externe.tchap.gouv.fr");
    const offered = within(dialog).getByRole("button", { name: "Écrire à @zoe.martin:agent.externe.tchap.gouv.fr, Externe" });
    expect(offered).toBeInTheDocument();
    await user.type(field, "{Enter}");
    await waitFor(() => expect(backend.callsOf("create_dm")).toEqual([{ userId: "@zoe.martin:agent.externe.tchap.gouv.fr" }]));
  });

  it("asks to refine when more people match than shown", async () => {
    const backend = new FakeBackend({ search_people: () => found([BRUNO], true) });
    const { user, dialog, field } = await openNewDm(backend);
    await user.type(field, "Br");
    expect(await within(dialog).findByText("D'autres personnes correspondent : précisez votre recherche.")).toBeInTheDocument();
  });

  it("explains a failed search and a refused chat in French, and keeps the dialog open", async () => {
    const backend = new FakeBackend({
      search_people: () => {
        throw appError("network");
      },
    });
    const { user, dialog, field } = await openNewDm(backend);
    await user.type(field, "Bruno");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "La recherche n'a pas abouti. Problème de connexion au réseau. Vérifiez votre connexion puis réessayez.",
    );

    backend.on("search_people", () => found([BRUNO]));
    backend.on("create_dm", () => {
      throw appError("user_not_found");
    });
    await user.type(field, " P");
    await user.click(await within(dialog).findByRole("button", { name: "Écrire à Bruno Petit, Intérieur" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Aucune personne ne correspond à cet identifiant.");
    expect(screen.getByRole("dialog", { name: "Nouvelle discussion" })).toBeInTheDocument();
  });

  it("shows the answer to the last term typed, not a late answer to an earlier one", async () => {
    const slow = deferred<PersonSearch>();
    const backend = new FakeBackend({ search_people: ({ term }) => (term === "Br" ? slow.promise : found([NINA])) });
    const { user, dialog, field } = await openNewDm(backend);
    await user.type(field, "Br");
    await waitFor(() => expect(backend.callsOf("search_people")).toHaveLength(1));
    await user.type(field, "un");
    await within(dialog).findByRole("button", { name: "Écrire à Nina Brun, Externe" });
    slow.resolve(found([BRUNO]));
    await new Promise((r) => setTimeout(r, 50));
    expect(within(dialog).queryByRole("button", { name: /Bruno Petit/ })).toBeNull();
  });

  it("closes with Escape, gives the focus back, and starts empty the next time", async () => {
    const backend = new FakeBackend({ search_people: () => found() });
    const { user, field } = await openNewDm(backend);
    await user.type(field, "Bru");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const opener = screen.getByRole("button", { name: "Nouvelle discussion" });
    expect(opener).toHaveFocus();
    await user.click(opener);
    expect(screen.getByRole("searchbox", { name: /Rechercher une personne/ })).toHaveValue("");
  });
});

describe("PersonPicker", () => {
  it("hands the chosen person to its caller, without the people it was told to leave out", async () => {
    new FakeBackend({ search_people: () => found() });
    const onpick = vi.fn();
    const user = userEvent.setup();
    render(PersonPicker, { label: "Inviter une personne", onpick, exclude: [BRIGITTE.userId] });
    await user.type(screen.getByRole("searchbox", { name: /Inviter une personne/ }), "Bru");
    await user.click(await screen.findByRole("button", { name: "Nina Brun, Externe" }));
    expect(onpick).toHaveBeenCalledWith(NINA);
    expect(screen.queryByRole("button", { name: /Brigitte/ })).toBeNull();
  });
});
