import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { ThreadSummary, TimelineItem } from "../../bindings";
import { FakeBackend, message } from "../../test/backend";
import { openRoom } from "../../test/room";

const ROOM = "!projet:agent.tchap.gouv.fr";
const root = message("root", "Sujet : le budget", { thread: { replies: 2, latestSenderName: "Bruno Petit", unread: true } });

function summary(rootId: string, body: string, replies: number, latest: string | null): ThreadSummary {
  const person = (name: string, timestamp: number) => ({
    senderId: "@bruno.petit:agent.tchap.gouv.fr",
    senderName: name,
    senderDomain: "Dinum",
    senderIsExternal: false,
    isOwn: false,
    timestamp,
  });
  return {
    rootEventId: `$${rootId}`,
    root: { ...person("Alice Martin", new Date(2026, 10, 24, 9, 30).getTime()), content: { type: "text", body, formatted: null } },
    latest: latest ? { ...person("Bruno Petit", new Date(2026, 10, 24, 10, 0).getTime()), content: { type: "text", body: latest, formatted: null } } : null,
    replies,
  };
}

function pushThread(backend: FakeBackend, items: TimelineItem[]) {
  backend.push(backend.channel<TimelineItem>("open_thread", ROOM), [{ op: "reset", values: items }]);
}

describe("threads", () => {
  it("shows N réponses under the first message, marked unread, and opens the thread beside the room", async () => {
    const backend = new FakeBackend();
    const { user, log } = await openRoom(backend, ROOM, [root, message("m2", "Autre sujet")]);
    const summary = await within(log).findByRole("button", { name: /2 réponses · dernière de Bruno Petit/ });
    expect(summary).toHaveClass("event__thread--unread");
    expect(summary).toHaveTextContent("Nouveaux messages dans ce fil");

    await user.click(summary);
    const panel = await screen.findByRole("complementary", { name: "Fil de discussion" });
    await waitFor(() => expect(backend.callsOf("open_thread")).toEqual([expect.objectContaining({ roomId: ROOM, rootEventId: "$root" })]));
    pushThread(backend, [message("r1", "Première réponse", { senderName: "Bruno Petit" }), message("r2", "Deuxième réponse")]);
    const thread = within(panel).getByRole("log", { name: "Messages du fil" });
    expect(await within(thread).findByText("Deuxième réponse")).toBeInTheDocument();
    // The first message heads the thread; the room's other messages are not there.
    expect(within(thread).getByText("Sujet : le budget")).toBeInTheDocument();
    expect(within(thread).queryByText("Autre sujet")).toBeNull();
    // All replies are loaded at once (threads are short).
    expect(backend.callsOf("paginate_thread").length).toBeGreaterThan(0);

    await user.type(within(panel).getByRole("textbox", { name: "Répondre dans le fil" }), "Ma réponse{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("send_in_thread")).toEqual([{ roomId: ROOM, rootEventId: "$root", body: "Ma réponse" }]),
    );
    expect(backend.callsOf("send_message")).toHaveLength(0);

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("complementary", { name: "Fil de discussion" })).toBeNull());
    await waitFor(() => expect(backend.callsOf("close_thread")).toHaveLength(1));
  });

  it("keeps a thread's unsent answer apart from the room's, across closing the panel and restarts", async () => {
    const backend = new FakeBackend({
      load_draft: ({ threadRoot }) => (threadRoot === "$root" ? { text: "Réponse d'hier", mentions: [], replyTo: null } : null),
    });
    const { user, log } = await openRoom(backend, ROOM, [root]);
    const open = async () => {
      await user.click(await within(log).findByRole("button", { name: /2 réponses/ }));
      const panel = await screen.findByRole("complementary", { name: "Fil de discussion" });
      return within(panel).getByRole("textbox", { name: "Répondre dans le fil" });
    };
    // Saved before the app restarted: back in the thread's field, not in the room's.
    let field = await open();
    await waitFor(() => expect(field).toHaveValue("Réponse d'hier"));
    expect(screen.getByRole("textbox", { name: "Message" })).toHaveValue("");
    expect(backend.callsOf("load_draft")).toContainEqual({ roomId: ROOM, threadRoot: "$root" });

    await user.clear(field);
    await user.type(field, "Je regarde le budget");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("complementary", { name: "Fil de discussion" })).toBeNull());
    const saved = { roomId: ROOM, threadRoot: "$root", message: { parts: [{ type: "text", text: "Je regarde le budget" }] }, replyTo: null };
    await waitFor(() => expect(backend.callsOf("save_draft")).toContainEqual(saved));

    field = await open();
    expect(field).toHaveValue("Je regarde le budget");
    await user.type(field, "{Enter}");
    await waitFor(() => expect(backend.callsOf("send_in_thread")).toEqual([{ roomId: ROOM, rootEventId: "$root", body: "Je regarde le budget" }]));
    await waitFor(() => expect(backend.callsOf("save_draft").at(-1)).toEqual({ ...saved, message: { parts: [] } }), { timeout: 3000 });
  });

  it("keeps the panel's first message up to date while the thread is open", async () => {
    const backend = new FakeBackend();
    const { user, log } = await openRoom(backend, ROOM, [root]);
    await user.click(await within(log).findByRole("button", { name: /2 réponses/ }));
    const panel = await screen.findByRole("complementary", { name: "Fil de discussion" });
    const thread = within(panel).getByRole("log", { name: "Messages du fil" });
    expect(await within(thread).findByText(/2 réponses/)).toBeInTheDocument();

    // A third reply arrives and the first message is edited: the room's timeline updates it.
    const updated = message("root", "Sujet : le budget 2027", { thread: { replies: 3, latestSenderName: "Chloé Martin", unread: false } });
    backend.pushTimeline(ROOM, [{ op: "set", index: 0, value: updated }]);
    expect(await within(thread).findByText(/3 réponses · dernière de Chloé Martin/)).toBeInTheDocument();
    expect(within(thread).getByText("Sujet : le budget 2027")).toBeInTheDocument();
    // The same panel, not a new one: the thread is not opened again.
    expect(backend.callsOf("open_thread")).toHaveLength(1);
  });

  it("starts a thread under any message from its actions", async () => {
    const backend = new FakeBackend();
    const { user, log } = await openRoom(backend, ROOM, [message("m1", "Question ouverte", { canReply: true })]);
    const article = (await within(log).findByText("Question ouverte")).closest("article")!;
    await user.click(within(article).getByRole("button", { name: "Fil" }));
    await screen.findByRole("complementary", { name: "Fil de discussion" });
    await waitFor(() => expect(backend.callsOf("open_thread")).toEqual([expect.objectContaining({ rootEventId: "$m1" })]));
  });
});

describe("the room's thread list", () => {
  it("lists the threads with their replies, opens one, and goes back to the list", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, ROOM, [message("m1", "Bonjour")]);
    await user.click(screen.getByRole("button", { name: "Fils de discussion du salon" }));
    const list = await screen.findByRole("complementary", { name: "Fils de discussion" });
    await waitFor(() => expect(backend.callsOf("open_thread_list")).toEqual([expect.objectContaining({ roomId: ROOM })]));
    backend.push(backend.channel<ThreadSummary>("open_thread_list", ROOM), [
      { op: "reset", values: [summary("t2", "Sujet : le déménagement", 2, "D’accord pour jeudi"), summary("t1", "Sujet : les congés", 1, "Je prends la semaine 52")] },
    ]);
    const first = await within(list).findByRole("button", { name: /Sujet : le déménagement/ });
    expect(first).toHaveTextContent("2 réponses · dernière de Bruno Petit");
    expect(first).toHaveTextContent("D’accord pour jeudi");
    expect(within(list).getByRole("button", { name: /Sujet : les congés/ })).toHaveTextContent("1 réponse");

    // One opens in the thread panel, headed by its first message.
    await user.click(first);
    const panel = await screen.findByRole("complementary", { name: "Fil de discussion" });
    await waitFor(() => expect(backend.callsOf("open_thread")).toEqual([expect.objectContaining({ rootEventId: "$t2" })]));
    expect(within(panel).getByText("Sujet : le déménagement")).toBeInTheDocument();
    expect(screen.queryByRole("complementary", { name: "Fils de discussion" })).toBeNull();

    // Back to the list, asked afresh from the server.
    await user.click(within(panel).getByRole("button", { name: /Tous les fils/ }));
    await screen.findByRole("complementary", { name: "Fils de discussion" });
    await waitFor(() => expect(backend.callsOf("open_thread_list")).toHaveLength(2));
    await waitFor(() => expect(backend.callsOf("close_thread_list")).toHaveLength(1));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("complementary", { name: "Fils de discussion" })).toBeNull());
  });

  it("says when the room has no thread", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, ROOM, []);
    await user.click(screen.getByRole("button", { name: "Fils de discussion du salon" }));
    const list = await screen.findByRole("complementary", { name: "Fils de discussion" });
    await waitFor(() => expect(backend.callsOf("open_thread_list")).toHaveLength(1));
    backend.push(backend.channel<ThreadSummary>("open_thread_list", ROOM), [{ op: "reset", values: [] }]);
    expect(await within(list).findByText(/Aucun fil de discussion dans ce salon/)).toBeInTheDocument();
  });
});
