import { commands, type AppError, type Member } from "../../bindings";
import { call } from "../../lib/ipc";

/** A room's members with their trust, asked when the panel opens and after a verification. */
export class MembersStore {
  readonly roomId: string;
  members = $state.raw<Member[]>([]);
  loaded = $state(false);
  error = $state<AppError | null>(null);

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  async refresh(): Promise<void> {
    const res = await call(commands.roomMembers(this.roomId));
    if (res.status === "ok") {
      this.members = res.data;
      this.error = null;
    } else {
      this.error = res.error;
    }
    this.loaded = true;
  }
}
