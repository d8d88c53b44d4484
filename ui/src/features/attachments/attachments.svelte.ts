import { invoke } from "@tauri-apps/api/core";
import { commands, type AppError, type PreparedAttachment } from "../../bindings";
import { formatSize } from "../../lib/format";
import { currentLocale, errorText, t } from "../../lib/i18n/locale.svelte";
import { call, type Result } from "../../lib/ipc";

/**
 * A pasted file's bytes go as the raw request body (never base64 in JSON);
 * the command is registered apart from the generated bindings.
 */
const PREPARE_BYTES = "prepare_attachment_bytes";
const NAME_HEADER = "x-attachment-name";

/** One file on its way to the room, as the preview dialog shows it. */
export type Draft =
  | { key: number; state: "preparing"; name: string }
  | { key: number; state: "ready"; name: string; prepared: PreparedAttachment; error: string | null; busy: boolean }
  | { key: number; state: "refused"; name: string; reason: string };

function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** As the generated wrappers do: an AppError comes back as a result, anything else is thrown. */
async function prepareBytes(bytes: Uint8Array, name: string): Promise<Result<PreparedAttachment>> {
  try {
    const data = await invoke<PreparedAttachment>(PREPARE_BYTES, bytes, {
      headers: { [NAME_HEADER]: encodeURIComponent(name) },
    });
    return { status: "ok", data };
  } catch (e) {
    if (isAppError(e)) return { status: "error", error: e };
    throw e;
  }
}

/** The base name of a path, whatever the system's separator. */
export function baseName(path: string): string {
  return path.split(/[/\\]/).pop() || path;
}

/**
 * The files the user is sending to one room: picked, dropped or pasted, each
 * prepared by the backend (checked, typed, previewed), then sent or cancelled
 * one after the other in the preview dialog.
 */
export class AttachmentsStore {
  readonly roomId: string;
  drafts = $state<Draft[]>([]);
  /** The draft the dialog shows, first come first served. */
  current = $derived<Draft | null>(this.drafts[0] ?? null);
  /** The server's limit in bytes, once asked. */
  #limit: number | null = null;
  #nextKey = 0;

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  /** The "Joindre un fichier" button: the system's chooser, several files allowed. */
  async pick(): Promise<void> {
    const res = await call(commands.pickAttachmentFiles());
    if (res.status === "ok") this.addPaths(res.data);
  }

  /** Files chosen or dropped: the backend reads them. */
  addPaths(paths: string[]): void {
    for (const path of paths) {
      const key = this.#add(baseName(path));
      void call(commands.prepareAttachmentPath(path)).then((res) => this.#prepared(key, res));
    }
  }

  /** Pasted files: refused here when too large or empty, before any byte crosses over. */
  async addFiles(files: File[]): Promise<void> {
    for (const file of files) {
      const key = this.#add(file.name || t("attachments.pastedName"));
      const limit = await this.#sizeLimit();
      if (file.size === 0) {
        this.#refuse(key, this.refusal({ code: "empty_file", message: "empty pasted file" }));
      } else if (limit !== null && file.size > limit) {
        this.#refuse(key, this.refusal({ code: "file_too_large", message: `${file.size} > ${limit}` }));
      } else {
        const bytes = new Uint8Array(await file.arrayBuffer());
        this.#prepared(key, await call(prepareBytes(bytes, file.name)));
      }
    }
  }

  async send(key: number): Promise<void> {
    const draft = this.#find(key);
    if (draft?.state !== "ready" || draft.busy) return;
    draft.busy = true;
    draft.error = null;
    const res = await call(commands.sendAttachment(this.roomId, draft.prepared.id));
    if (res.status === "ok") {
      this.#remove(key);
    } else {
      draft.busy = false;
      draft.error = errorText(res.error); // kept, to try again or cancel
    }
  }

  /** "Annuler" (or "Fermer" on a refused file): nothing is sent. */
  cancel(key: number): void {
    const draft = this.#find(key);
    if (draft?.state === "ready") void call(commands.discardAttachment(draft.prepared.id));
    this.#remove(key);
  }

  /** Leaving the room: what was prepared and not sent is forgotten. */
  discardAll(): void {
    for (const draft of this.drafts) this.cancel(draft.key);
  }

  /** The French sentence for a file the backend (or this store) refused. */
  refusal(error: AppError): string {
    switch (error.code) {
      case "file_too_large":
        return this.#limit === null
          ? t("attachments.tooLargeUnknownLimit")
          : t("attachments.tooLarge", { limit: formatSize(this.#limit, currentLocale()) });
      case "empty_file":
        return t("attachments.empty");
      case "not_a_file":
        return t("attachments.notAFile");
      case "file_not_accessible":
        return t("attachments.unreadable");
      default:
        return errorText(error);
    }
  }

  async #sizeLimit(): Promise<number | null> {
    if (this.#limit === null) {
      const res = await call(commands.attachmentSizeLimit());
      if (res.status === "ok") this.#limit = res.data;
    }
    return this.#limit;
  }

  async #prepared(key: number, res: Result<PreparedAttachment>): Promise<void> {
    if (!this.#find(key)) {
      // Cancelled while it was being prepared: the backend forgets it too.
      if (res.status === "ok") void call(commands.discardAttachment(res.data.id));
      return;
    }
    if (res.status === "ok") {
      this.#replace(key, { key, state: "ready", name: res.data.name, prepared: res.data, error: null, busy: false });
    } else {
      if (res.error.code === "file_too_large") await this.#sizeLimit();
      this.#refuse(key, this.refusal(res.error));
    }
  }

  #add(name: string): number {
    const key = this.#nextKey++;
    this.drafts.push({ key, state: "preparing", name });
    return key;
  }

  #refuse(key: number, reason: string): void {
    const draft = this.#find(key);
    if (draft) this.#replace(key, { key, state: "refused", name: draft.name, reason });
  }

  #find(key: number): Draft | undefined {
    return this.drafts.find((d) => d.key === key);
  }

  #replace(key: number, draft: Draft): void {
    const index = this.drafts.findIndex((d) => d.key === key);
    if (index >= 0) this.drafts[index] = draft;
  }

  #remove(key: number): void {
    this.drafts = this.drafts.filter((d) => d.key !== key);
  }
}
