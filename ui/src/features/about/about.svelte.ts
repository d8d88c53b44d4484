import { commands, type AboutInfo, type AppError } from "../../bindings";
import { call } from "../../lib/ipc";

/** Settings → À propos: this build and where it runs, and the bug report for support. */
export class AboutStore {
  info = $state<AboutInfo | null>(null);
  loadError = $state<AppError | null>(null);
  exporting = $state(false);
  exportError = $state<AppError | null>(null);
  /** Where the last report was saved. */
  savedTo = $state<string | null>(null);

  async load(): Promise<void> {
    this.loadError = null;
    const res = await call(commands.aboutInfo());
    if (res.status === "ok") this.info = res.data;
    else this.loadError = res.error;
  }

  /** The backend asks where (the system's save dialog) then writes the report; cancelling says nothing. */
  async exportReport(): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    this.exportError = null;
    this.savedTo = null;
    const res = await call(commands.exportBugReport());
    this.exporting = false;
    if (res.status === "error") this.exportError = res.error;
    else this.savedTo = res.data;
  }
}
