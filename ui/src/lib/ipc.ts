import type { AppError } from "../bindings";

export type Result<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

/**
 * Awaits a command from `bindings.ts`. The generated wrappers rethrow
 * JavaScript `Error`s (IPC failure, unknown command…); those become an
 * `internal` AppError so every caller handles one shape only. Errors are
 * logged with their technical message, which the UI never shows.
 */
export async function call<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (e) {
    result = { status: "error", error: { code: "internal", message: e instanceof Error ? e.message : String(e) } };
  }
  if (result.status === "error") console.warn(`command failed: ${result.error.code}: ${result.error.message}`);
  return result;
}

type BackendEvent<T> = { listen: (handler: (event: { payload: T }) => void) => Promise<() => void> };

/**
 * Listens to a backend event, then runs `afterListening` — the place to ask
 * for the current state, as events sent before we listened are lost.
 * Returns a cleanup function (safe to call before listening started).
 */
export function listenEvent<T>(event: BackendEvent<T>, onEvent: (payload: T) => void, afterListening?: () => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  event
    .listen((e) => onEvent(e.payload))
    .then((fn) => {
      if (stopped) return fn();
      unlisten = fn;
      afterListening?.();
    })
    .catch((e) => console.warn("cannot listen to a backend event", e));
  return () => {
    stopped = true;
    unlisten?.();
  };
}
