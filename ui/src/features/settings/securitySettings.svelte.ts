import { commands, type AppError, type KeyImportResult, type OwnSession } from "../../bindings";
import type { MessageKey } from "../../lib/i18n/translate";
import { call, type Result } from "../../lib/ipc";

// The backend's limits, checked here first so the user hears of them at once.
/** room_keys::MIN_PASSPHRASE_CHARS */
export const MIN_PASSPHRASE_CHARS = 8;
/** room_keys::MAX_KEY_FILE_BYTES */
export const MAX_KEY_FILE_BYTES = 50 * 1024 * 1024;
/** devices::MAX_SESSION_NAME_CHARS */
export const MAX_SESSION_NAME_CHARS = 100;

/** Unicode characters, as the backend counts them (not UTF-16 units). */
function chars(text: string): number {
  return [...text].length;
}

/** The user's sessions (Matrix devices), as Settings → Security shows them. */
export class OwnSessionsStore {
  /** This session first, then the most recently active; null until loaded. */
  sessions = $state<OwnSession[] | null>(null);
  loadError = $state<AppError | null>(null);
  others = $derived(this.sessions?.filter((s) => !s.isCurrent) ?? []);

  async load(): Promise<void> {
    this.loadError = null;
    const res = await call(commands.listOwnSessions());
    if (res.status === "ok") this.sessions = res.data;
    else this.loadError = res.error;
  }

  /** Resolves to the error to show, or null once renamed. */
  async rename(deviceId: string, name: string): Promise<AppError | null> {
    const trimmed = name.trim();
    if (!isValidSessionName(trimmed)) return { code: "invalid_session_name", message: "checked before sending" };
    const res = await call(commands.renameSession(deviceId, trimmed));
    if (res.status === "error") return res.error;
    this.sessions = this.sessions?.map((s) => (s.deviceId === deviceId ? { ...s, displayName: trimmed } : s)) ?? null;
    return null;
  }

  /** Signs out one other session; resolves to the error to show, or null. */
  async signOut(deviceId: string, password: string): Promise<AppError | null> {
    const res = await call(commands.signOutSession(deviceId, password));
    if (res.status === "error") return res.error;
    this.sessions = this.sessions?.filter((s) => s.deviceId !== deviceId) ?? null;
    return null;
  }

  /** Signs out every session but this one; resolves to how many. */
  async signOutOthers(password: string): Promise<Result<number>> {
    const res = await call(commands.signOutOtherSessions(password));
    if (res.status === "ok") this.sessions = this.sessions?.filter((s) => s.isCurrent) ?? null;
    return res;
  }
}

export function isValidSessionName(name: string): boolean {
  const length = chars(name.trim());
  return length >= 1 && length <= MAX_SESSION_NAME_CHARS;
}

/** Why an export's passphrase is refused, before anything is sent; null when fine. */
export function exportPassphraseProblem(passphrase: string, confirmation: string): MessageKey | null {
  if (chars(passphrase) < MIN_PASSPHRASE_CHARS) return "roomKeys.tooShort";
  if (passphrase !== confirmation) return "roomKeys.mismatch";
  return null;
}

/** Saves the room keys to a new file in the Downloads folder; resolves to its path. */
export function exportRoomKeys(passphrase: string): Promise<Result<string>> {
  return call(commands.exportRoomKeysToFile(passphrase));
}

/**
 * Reads the file the user chose (the webview has no other file access) and
 * hands its text to the backend, which adds the keys it holds.
 */
export async function importRoomKeys(file: File, passphrase: string): Promise<Result<KeyImportResult>> {
  if (file.size > MAX_KEY_FILE_BYTES) {
    return { status: "error", error: { code: "invalid_key_file", message: `${file.size} bytes: not a key file` } };
  }
  let content: string;
  try {
    content = await file.text();
  } catch (e) {
    return { status: "error", error: { code: "file_not_accessible", message: String(e) } };
  }
  return call(commands.importRoomKeysText(content, passphrase));
}
