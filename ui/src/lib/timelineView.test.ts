import { describe, expect, it } from "vitest";
import type { TimelineItem } from "../bindings";
import { message } from "../test/backend";
import { translate } from "./i18n/translate";
import { continuesGroup, GROUP_WINDOW_MS, isShown, renderContent, roomPreview } from "./timelineView";

type EventItem = Extract<TimelineItem, { kind: "event" }>;
const T0 = new Date(2026, 10, 24, 10, 0).getTime();
// The shared fixture, with what these rules look at.
const ev = (id: string, senderId: string, timestamp: number, content: EventItem["content"]): EventItem =>
  message(id, "", {
    eventId: null,
    senderId,
    senderName: senderId === "@a:x" ? "Alice Martin" : "Bruno Petit",
    senderDomain: null,
    timestamp,
    content,
    canReply: false,
  });
const text = (body: string) => ({ type: "text" as const, body, formatted: null });
const tfr = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate("fr", key, params);

describe("continuesGroup", () => {
  it("groups close messages of the same sender", () => {
    expect(continuesGroup(ev("1", "@a:x", T0, text("a")), ev("2", "@a:x", T0 + 60_000, text("b")))).toBe(true);
  });

  it("starts a new group for another sender, a long pause, or anything in between", () => {
    const first = ev("1", "@a:x", T0, text("a"));
    expect(continuesGroup(first, ev("2", "@b:x", T0 + 1000, text("b")))).toBe(false);
    expect(continuesGroup(first, ev("2", "@a:x", T0 + GROUP_WINDOW_MS, text("b")))).toBe(false);
    expect(continuesGroup({ kind: "daySeparator", id: "d", timestamp: T0 }, first)).toBe(false);
    expect(continuesGroup(undefined, first)).toBe(false);
    const joined = ev("0", "@a:x", T0 - 1000, { type: "membership", change: "joined", targetName: "Alice Martin" });
    expect(continuesGroup(joined, first)).toBe(false);
  });
});

describe("renderContent", () => {
  it("keeps message text exactly as sent (no markup interpretation)", () => {
    const body = "<b>gras</b>\nligne 2";
    expect(renderContent(ev("1", "@a:x", T0, text(body)), tfr)).toEqual({ style: "message", text: body });
  });

  it("writes membership changes as sentences", () => {
    const m = (change: "joined" | "left" | "invited" | "kicked" | "banned" | "other") =>
      renderContent(ev("1", "@b:x", T0, { type: "membership", change, targetName: "Alice Martin" }), tfr).text;
    expect(m("joined")).toBe("Alice Martin a rejoint le salon");
    expect(m("left")).toBe("Alice Martin a quitté le salon");
    expect(m("invited")).toBe("Bruno Petit a invité Alice Martin");
    expect(m("kicked")).toBe("Bruno Petit a retiré Alice Martin du salon");
    expect(m("banned")).toBe("Bruno Petit a banni Alice Martin du salon");
    expect(m("other")).toContain("Alice Martin");
  });

  it("explains what cannot be shown", () => {
    const r = (content: EventItem["content"]) => renderContent(ev("1", "@a:x", T0, content), tfr);
    expect(r({ type: "undecryptable", reason: "keyMissing" })).toEqual({
      style: "muted",
      text: "🔒 Message chiffré : sa clé n'est pas encore arrivée. Il s'affichera dès qu'elle sera reçue.",
    });
    // Each reason says what the user can do about it.
    expect(r({ type: "undecryptable", reason: "sentBeforeThisDeviceUnverified" }).text).toMatch(/vérifiez cet appareil/);
    expect(r({ type: "undecryptable", reason: "sentBeforeJoined" }).text).toMatch(/avant votre arrivée/);
    expect(r({ type: "undecryptable", reason: "withheld" }).text).toMatch(/pas partagé la clé/);
    const reasons = ["keyMissing", "sentBeforeJoined", "sentBeforeThisDeviceUnverified", "sentBeforeThisDeviceNoBackup", "withheld", "untrustedSender"] as const;
    expect(new Set(reasons.map((reason) => r({ type: "undecryptable", reason }).text)).size).toBe(reasons.length);
    expect(r({ type: "redacted" }).text).toBe("Message supprimé");
    expect(r({ type: "unsupported" }).text).toBe("Événement non pris en charge");
    const media = { name: "rapport.pdf", caption: null, size: 1200, mime: "application/pdf", width: null, height: null, hasPlaceholder: false };
    expect(r({ type: "media", kind: "file", ...media }).text).toBe("Fichier : rapport.pdf");
    expect(r({ type: "media", kind: "image", ...media, name: "photo.jpg" }).text).toBe("Image : photo.jpg");
    expect(r({ type: "emote", body: "salue", formatted: null }).text).toBe("* Alice Martin salue");
    expect(r({ type: "roomCreated" }).text).toBe("Alice Martin a créé le salon");
  });

  it("says what changed in the room's settings, as lines", () => {
    const line = (content: EventItem["content"]) => renderContent(ev("1", "@a:x", T0, content), tfr);
    expect(line({ type: "roomRenamed", name: "Cellule de crise" })).toEqual({ style: "line", text: "Alice Martin a renommé le salon « Cellule de crise »" });
    expect(line({ type: "roomRenamed", name: null }).text).toBe("Alice Martin a retiré le nom du salon");
    expect(line({ type: "topicChanged", topic: "Point hebdomadaire" }).text).toBe("Alice Martin a changé le sujet : Point hebdomadaire");
    expect(line({ type: "topicChanged", topic: null }).text).toBe("Alice Martin a retiré le sujet du salon");
    expect(line({ type: "encryptionEnabled" }).text).toBe("Alice Martin a activé le chiffrement de bout en bout");
    expect(line({ type: "accessRuleSet", openToExternals: true }).text).toBe("Alice Martin a ouvert le salon aux externes");
    expect(line({ type: "accessRuleSet", openToExternals: false }).text).toBe("Alice Martin a réservé le salon aux agents de l'État");
  });
});

describe("roomPreview", () => {
  it("names the sender of a message, but not twice in a line that already does", () => {
    expect(roomPreview({ senderName: "Alice Martin", content: { type: "text", body: "Bonjour", formatted: null } }, tfr)).toBe(
      "Alice Martin : Bonjour",
    );
    expect(
      roomPreview(
        { senderName: "Alice Martin", content: { type: "membership", change: "joined", targetName: "Alice Martin" } },
        tfr,
      ),
    ).toBe("Alice Martin a rejoint le salon");
  });
});

describe("isShown", () => {
  it("hides the events we cannot describe, keeps messages and separators", () => {
    expect(isShown(ev("1", "@a:x", T0, { type: "unsupported" }))).toBe(false);
    expect(isShown(ev("2", "@a:x", T0, { type: "text", body: "Bonjour", formatted: null }))).toBe(true);
    expect(isShown({ kind: "daySeparator", id: "d", timestamp: T0 })).toBe(true);
  });
});
