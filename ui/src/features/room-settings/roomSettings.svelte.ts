import { commands, type AppError, type InviteOutcome, type Member, type RoomDetails } from "../../bindings";
import { call, type Result } from "../../lib/ipc";

/**
 * One room's settings while its dialog is open: its kind and what the user
 * may change (asked afresh at each opening and after each change), its
 * members, and the actions.
 */
export class RoomSettingsStore {
  readonly roomId: string;
  details = $state.raw<RoomDetails | null>(null);
  members = $state.raw<Member[]>([]);
  error = $state<AppError | null>(null);

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  async load(): Promise<void> {
    const [details, members] = await Promise.all([
      call(commands.roomDetails(this.roomId)),
      call(commands.roomMembers(this.roomId)),
    ]);
    if (details.status === "ok") this.details = details.data;
    if (members.status === "ok") this.members = members.data;
    this.error = details.status === "error" ? details.error : members.status === "error" ? members.error : null;
  }

  /** Runs `action`, then loads the settings again (if it worked). */
  async #changed<T>(action: Promise<Result<T>>): Promise<Result<T>> {
    const res = await call(action);
    if (res.status === "ok") await this.load();
    return res;
  }

  openToExternals(): Promise<Result<null>> {
    return this.#changed(commands.openRoomToExternals(this.roomId));
  }

  rename(name: string): Promise<Result<null>> {
    return this.#changed(commands.renameRoom(this.roomId, name));
  }

  setTopic(topic: string): Promise<Result<null>> {
    return this.#changed(commands.setRoomTopic(this.roomId, topic));
  }

  /** `confirmExternal`: the user was warned that the person is external. */
  async invite(userId: string, confirmExternal: boolean): Promise<Result<InviteOutcome>> {
    const res = await call(commands.inviteToRoom(this.roomId, userId, confirmExternal));
    if (res.status === "ok" && res.data === "invited") await this.load();
    return res;
  }

  remove(userId: string): Promise<Result<null>> {
    return this.#changed(commands.removeMember(this.roomId, userId));
  }

  leave(): Promise<Result<null>> {
    return call(commands.leaveRoom(this.roomId));
  }
}
