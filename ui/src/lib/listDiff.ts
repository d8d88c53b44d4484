import type { ListDiff } from "../bindings";

/**
 * Applies a batch of diffs (matrix-sdk `VectorDiff`s), in order, to a list.
 *
 * Pure: `list` is never modified; a new array is returned. An index out of
 * range means the backend and the UI disagree; it is reported with
 * `console.warn` and handled as gently as possible (insert is clamped,
 * set/remove are ignored) rather than throwing, so one bad diff does not
 * freeze the screen. The next `reset` puts things right.
 */
export function applyDiffs<T>(list: readonly T[], diffs: readonly ListDiff<T>[]): T[] {
  const out = list.slice();
  for (const diff of diffs) {
    switch (diff.op) {
      case "reset":
        out.length = 0;
        out.push(...diff.values);
        break;
      case "clear":
        out.length = 0;
        break;
      case "append":
        out.push(...diff.values);
        break;
      case "pushBack":
        out.push(diff.value);
        break;
      case "pushFront":
        out.unshift(diff.value);
        break;
      case "popBack":
        out.pop();
        break;
      case "popFront":
        out.shift();
        break;
      case "insert":
        if (diff.index < 0 || diff.index > out.length) {
          warn(diff, out.length);
          out.splice(Math.max(0, Math.min(diff.index, out.length)), 0, diff.value);
        } else {
          out.splice(diff.index, 0, diff.value);
        }
        break;
      case "set":
        if (diff.index < 0 || diff.index >= out.length) warn(diff, out.length);
        else out[diff.index] = diff.value;
        break;
      case "remove":
        if (diff.index < 0 || diff.index >= out.length) warn(diff, out.length);
        else out.splice(diff.index, 1);
        break;
      case "truncate":
        if (diff.length < out.length) out.length = Math.max(0, diff.length);
        break;
      default:
        warn(diff as never, out.length);
    }
  }
  return out;
}

function warn(diff: { op: string }, length: number): void {
  console.warn(`applyDiffs: ignored or clamped "${diff.op}" on a list of ${length} items`, diff);
}
