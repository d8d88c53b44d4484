import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { Forum, ForumPage, ForumServer } from "../../bindings";
import { appError, FakeBackend } from "../../test/backend";
import { mainScreen } from "./testing";

const DINUM = "agent.dinum.tchap.gouv.fr";
const INTERIEUR = "agent.interieur.tchap.gouv.fr";
const SERVERS: ForumServer[] = [
  { serverName: DINUM, label: "DINUM", isOwn: true },
  { serverName: INTERIEUR, label: "Intérieur", isOwn: false },
];
const forum = (roomId: string, name: string, extra: Partial<Forum> = {}): Forum => ({
  roomId,
  name,
  topic: null,
  alias: null,
  memberCount: 1,
  isJoined: false,
  ...extra,
});
const page = (forums: Forum[], nextBatch: string | null = null): ForumPage => ({ forums, nextBatch });

async function openForums(backend: FakeBackend) {
  const user = await mainScreen(backend);
  await user.click(screen.getByRole("button", { name: "Annuaire et forums" }));
  const dialog = screen.getByRole("dialog", { name: "Annuaire" });
  await user.click(within(dialog).getByRole("tab", { name: "Forums" }));
  return { user, dialog };
}

describe("forums of every server", () => {
  it("lists the user's server first, then another server's forums, and joins one through its server", async () => {
    const backend = new FakeBackend({
      profile_hidden: () => false,
      forum_servers: () => SERVERS,
      list_forums: ({ serverName }) =>
        serverName === DINUM
          ? page([forum("!d:x", "Entraide numérique", { memberCount: 12, isJoined: true })])
          : page([forum("!i:y", "Forum Intérieur", { topic: "Les nouvelles du ministère", memberCount: 1 })]),
      join_forum: () => "!i:y",
    });
    const { user, dialog } = await openForums(backend);
    const server = within(dialog).getByRole("combobox", { name: "Serveur" });
    expect(within(server).getAllByRole("option").map((o) => o.textContent?.trim())).toEqual(["DINUM (votre serveur)", "Intérieur"]);
    const own = await within(dialog).findByRole("list", { name: "Forums du serveur DINUM" });
    expect(within(own).getByText("Entraide numérique")).toBeInTheDocument();
    expect(within(own).getByText("12 membres")).toBeInTheDocument();
    expect(within(own).getByRole("button", { name: "Ouvrir le forum Entraide numérique" })).toBeInTheDocument();

    await user.selectOptions(server, INTERIEUR);
    const theirs = await within(dialog).findByRole("list", { name: "Forums du serveur Intérieur" });
    expect(within(theirs).getByText("Les nouvelles du ministère")).toBeInTheDocument();
    expect(within(theirs).getByText("1 membre")).toBeInTheDocument();
    expect(backend.callsOf("list_forums").at(-1)).toEqual({ serverName: INTERIEUR, term: null, since: null });

    await user.click(within(theirs).getByRole("button", { name: "Rejoindre le forum Forum Intérieur" }));
    await waitFor(() => expect(backend.callsOf("join_forum")).toEqual([{ roomId: "!i:y", serverName: INTERIEUR }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!i:y"));
  });

  it("opens a forum already joined without joining it again", async () => {
    const backend = new FakeBackend({
      profile_hidden: () => false,
      forum_servers: () => SERVERS,
      list_forums: () => page([forum("!d:x", "Entraide numérique", { isJoined: true })]),
    });
    const { user, dialog } = await openForums(backend);
    await user.click(await within(dialog).findByRole("button", { name: "Ouvrir le forum Entraide numérique" }));
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!d:x"));
    expect(backend.callsOf("join_forum")).toHaveLength(0);
  });

  it("filters by a term, says when nothing matches, and shows more on demand", async () => {
    const backend = new FakeBackend({
      profile_hidden: () => false,
      forum_servers: () => SERVERS,
      list_forums: ({ term, since }) => {
        if (term === "urbanisme") return page([]);
        if (since === "p2") return page([forum("!b:x", "Bibliothèque")]);
        return page([forum("!a:x", "Archives")], "p2");
      },
    });
    const { user, dialog } = await openForums(backend);
    await within(dialog).findByText("Archives");
    await user.click(within(dialog).getByRole("button", { name: "Afficher plus de forums" }));
    await within(dialog).findByText("Bibliothèque");
    expect(within(dialog).getByText("Archives")).toBeInTheDocument();
    expect(within(dialog).queryByRole("button", { name: "Afficher plus de forums" })).toBeNull();

    await user.type(within(dialog).getByRole("searchbox", { name: "Rechercher un forum" }), "urbanisme");
    expect(await within(dialog).findByText("Aucun forum ne correspond à « urbanisme » sur le serveur DINUM.")).toHaveAttribute("role", "status");
    expect(backend.callsOf("list_forums").at(-1)).toEqual({ serverName: DINUM, term: "urbanisme", since: null });
  });

  it("says when a server publishes no forum, and explains a refused join in French", async () => {
    const backend = new FakeBackend({
      profile_hidden: () => false,
      forum_servers: () => SERVERS,
      list_forums: ({ serverName }) => (serverName === DINUM ? page([]) : page([forum("!i:y", "Forum Intérieur")])),
      join_forum: () => {
        throw appError("forbidden");
      },
    });
    const { user, dialog } = await openForums(backend);
    expect(await within(dialog).findByText("Aucun forum n'est publié sur le serveur DINUM.")).toBeInTheDocument();
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Serveur" }), INTERIEUR);
    await user.click(await within(dialog).findByRole("button", { name: "Rejoindre le forum Forum Intérieur" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Vous n'avez pas l'autorisation d'effectuer cette action.");
    expect(screen.getByRole("dialog", { name: "Annuaire" })).toBeInTheDocument();
  });
});
