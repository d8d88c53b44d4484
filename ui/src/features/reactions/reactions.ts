import { commands, type ReactionGroup } from "../../bindings";
import { call, type Result } from "../../lib/ipc";
import { peopleList } from "../../lib/person";
import { t, tn } from "../../lib/i18n/locale.svelte";

/** Element's usual set, and ✅ that administrations use to say "done". */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🎉", "✅"] as const;

/** Chips drawn under a message: a message with thousands of reactions stays light. */
export const MAX_SHOWN_REACTIONS = 20;

/** The chips to draw, and how many distinct reactions the "+N" stands for. */
export function shownReactions(groups: ReactionGroup[], more: number): { shown: ReactionGroup[]; hidden: number } {
  const shown = groups.slice(0, MAX_SHOWN_REACTIONS);
  return { shown, hidden: groups.length - shown.length + more };
}

/** What a chip says to a screen reader and on hover: "👍 — Alice, Vous". */
export function reactionLabel(group: ReactionGroup): string {
  const names = group.others.map((p) => p.name);
  return `${group.key} — ${peopleList(names, group.count, group.byMe ? t("reactions.you") : null, tn)}`;
}

/** Adds our reaction to a message, or takes it back. */
export function toggleReaction(roomId: string, itemId: string, key: string): Promise<Result<boolean>> {
  return call(commands.toggleReaction(roomId, itemId, key));
}
