// A fake backend for component tests, on top of mockIPC from @tauri-apps/api.
// Commands are answered by handlers (a handler that throws an AppError makes
// the command return {status:"error"}); channels passed as arguments are
// captured so tests can push batches through them like the Rust side does.
import type { Channel } from "@tauri-apps/api/core";
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  AboutInfo,
  AppConfig,
  AppError,
  ErrorCode,
  ListDiff,
  PolicyStatus,
  RoomDetails,
  RoomSummary,
  SasEmoji,
  SessionInfo,
  TimelineItem,
  VerificationStep,
} from "../bindings";

type Handler = (args: Record<string, unknown>) => unknown;

export const SESSION: SessionInfo = {
  userId: "@marie.dupont:agent.tchap.gouv.fr",
  deviceId: "DEVICE",
  homeserver: "https://matrix.agent.tchap.gouv.fr",
  displayName: "Marie Dupont",
  domain: "Dinum",
  isExternal: false,
  isRemembered: true,
};

/** As in production: sign-in by email, the server field under "Se connecter sur un autre serveur". */
export const CONFIG: AppConfig = {
  defaultHomeserver: "https://matrix.agent.tchap.gouv.fr",
  emailSignIn: true,
  allowCustomHomeserver: true,
};

/** No administrator's policy: every setting is the user's. */
export const NO_POLICY: PolicyStatus = {
  managedKeys: [],
  invalidReason: null,
  disabledFeatures: [],
  updates: { enabled: true, endpoints: [] },
  source: null,
};

/** Settings → À propos of a build that updates itself, with no policy. */
export const ABOUT: AboutInfo = {
  appName: "Tchap",
  version: "1.4.2",
  variant: "selfUpdating",
  os: "Debian GNU/Linux 12 (bookworm) [64-bit] x86_64",
  policy: NO_POLICY,
  homeserver: "https://matrix.agent.tchap.gouv.fr/",
  logDir: "/home/marie/.local/share/fr.gouv.tchap.desktop/logs",
};

/** Seven SAS emojis, as the backend sends them (English descriptions, shown translated). */
export const EMOJIS: SasEmoji[] = [
  { index: 0, symbol: "🐶", description: "Dog" },
  { index: 34, symbol: "🔧", description: "Spanner" },
  { index: 29, symbol: "❤️", description: "Heart" },
  { index: 52, symbol: "🚲", description: "Bicycle" },
  { index: 7, symbol: "🐰", description: "Rabbit" },
  { index: 63, symbol: "📌", description: "Pin" },
  { index: 19, symbol: "🌍", description: "Globe" },
];

export function appError(code: ErrorCode, message = `backend said ${code}`): AppError {
  return { code, message };
}

export class FakeBackend {
  calls: { cmd: string; args: Record<string, unknown> }[] = [];
  handlers: Record<string, Handler>;
  #indexes = new Map<number, number>();

  constructor(overrides: Record<string, Handler> = {}) {
    this.handlers = {
      app_config: () => CONFIG,
      restore_session: () => null,
      login: () => SESSION,
      resume_session: () => SESSION,
      logout: () => null,
      sync_state: () => ({ state: "starting" }),
      watch_connection: () => null,
      watch_search_indexing: () => null,
      search_room_messages: () => [],
      search_all_messages: () => [],
      subscribe_room_list: () => null,
      open_timeline: () => null,
      open_thread: () => null,
      close_thread: () => null,
      paginate_thread: () => true,
      open_thread_list: () => null,
      paginate_thread_list: () => true,
      close_thread_list: () => null,
      send_in_thread: () => null,
      mark_thread_read: () => null,
      paginate_forwards: () => false,
      close_timeline: () => null,
      recentre_timeline: () => null,
      paginate_backwards: () => true,
      send_message: () => null,
      retry_send: () => null,
      discard_send: () => null,
      mark_read: () => null,
      send_composed: () => null,
      edit_message: () => null,
      save_draft: () => null,
      load_draft: () => null,
      redact_message: () => null,
      load_reply_details: () => null,
      can_mention_room: () => false,
      toggle_reaction: () => true,
      set_typing: () => null,
      watch_typing: () => null,
      unwatch_typing: () => null,
      typing_notices_enabled: () => true,
      policy_status: () => NO_POLICY,
      set_typing_notices_enabled: () => null,
      accept_invite: () => null,
      decline_invite: () => null,
      create_dm: () => "!dm:agent.tchap.gouv.fr",
      create_room: () => "!new:agent.tchap.gouv.fr",
      security_status: () => ({ session: "verified", recovery: "enabled" }),
      can_verify_with_another_session: () => true,
      verify_this_session: () => "flow",
      verify_user: () => "flow",
      room_members: () => [],
      room_details: ({ roomId }) => roomDetails(String(roomId)),
      invite_to_room: () => "invited",
      pending_email_invites: () => [],
      leave_room: () => null,
      remove_member: () => null,
      rename_room: () => null,
      set_room_topic: () => null,
      open_room_to_externals: () => null,
      accept_verification: () => null,
      confirm_verification: () => null,
      refuse_verification: () => null,
      cancel_verification: () => null,
      list_own_sessions: () => [],
      rename_session: () => null,
      sign_out_other_sessions: () => 0,
      sign_out_session: () => null,
      reset_recovery_key: () => "EsTc 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000",
      export_room_keys_to_file: () => "/home/marie/Téléchargements/Tchap - clés de chiffrement (2026-11-24).txt",
      import_room_keys_text: () => ({ imported: 0, total: 0 }),
      set_open_room: () => null,
      room_notification_mode: () => "allMessages",
      set_room_notification_mode: () => null,
      notification_privacy: () => false,
      set_notification_privacy: () => null,
      keep_in_tray: () => true,
      set_keep_in_tray: () => null,
      autostart_enabled: () => false,
      set_autostart: () => null,
      take_pending_link: () => null,
      watch_updates: () => null,
      check_for_update: () => null,
      install_update: () => null,
      about_info: () => ABOUT,
      export_bug_report: () => null,
      ...overrides,
    };
    mockIPC(
      (cmd, args) => {
        const a = (args ?? {}) as Record<string, unknown>;
        this.calls.push({ cmd, args: a });
        const handler = this.handlers[cmd];
        if (!handler) throw new Error(`unexpected command ${cmd}`);
        return handler(a);
      },
      { shouldMockEvents: true },
    );
  }

  on(cmd: string, handler: Handler): void {
    this.handlers[cmd] = handler;
  }

  callsOf(cmd: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  /** The channel given to the last call of `cmd` (argument `onUpdate`). */
  channel<T>(cmd: "subscribe_room_list" | "open_timeline" | "open_thread" | "open_thread_list", roomId?: string): Channel<ListDiff<T>[]> {
    return this.#lastCall(cmd, roomId).args.onUpdate as Channel<ListDiff<T>[]>;
  }

  /** Sends a verification step through the channel of the last call of `cmd`. */
  pushStep(cmd: "verify_this_session" | "verify_user" | "accept_verification", step: VerificationStep): void {
    this.push(this.#lastCall(cmd).args.onStep as Channel<VerificationStep>, step);
  }

  #lastCall(cmd: string, roomId?: string) {
    const call = [...this.calls]
      .reverse()
      .find((c) => c.cmd === cmd && (roomId === undefined || c.args.roomId === roomId));
    if (!call) throw new Error(`${cmd} was not called`);
    return call;
  }

  /** Sends one message as tauri::ipc::Channel does (indexed messages). */
  push<T>(channel: Channel<T>, message: T): void {
    const index = this.#indexes.get(channel.id) ?? 0;
    this.#indexes.set(channel.id, index + 1);
    const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
      .__TAURI_INTERNALS__;
    internals.runCallback(channel.id, { index, message });
  }

  pushRooms(batch: ListDiff<RoomSummary>[]): void {
    this.push(this.channel<RoomSummary>("subscribe_room_list"), batch);
  }

  pushTimeline(roomId: string, batch: ListDiff<TimelineItem>[]): void {
    this.push(this.channel<TimelineItem>("open_timeline", roomId), batch);
  }

  emit(event: string, payload: unknown): Promise<void> {
    return emit(event, payload);
  }
}

/** A promise whose resolution the test controls. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function room(id: string, name: string, extra: Partial<RoomSummary> = {}): RoomSummary {
  return {
    id,
    name,
    kind: "room",
    initials: name.slice(0, 2).toUpperCase(),
    lastMessage: null,
    unreadCount: 0,
    mentionCount: 0,
    isEncrypted: true,
    inviterName: null,
    inviterDomain: null,
    inviterIsExternal: false,
    dmDomain: null,
    dmIsExternal: false,
    roomAccess: "private",
    ...extra,
  };
}

type EventItem = Extract<TimelineItem, { kind: "event" }>;
export function message(id: string, body: string, extra: Partial<EventItem> = {}): EventItem {
  return {
    kind: "event",
    id,
    eventId: `$${id}`,
    senderId: "@alice.martin:agent.tchap.gouv.fr",
    senderName: "Alice Martin",
    senderDomain: "Dinum",
    senderIsExternal: false,
    isOwn: false,
    timestamp: new Date(2026, 10, 24, 9, 30).getTime(),
    content: { type: "text", body, formatted: null },
    sendState: null,
    inReplyTo: null,
    edited: false,
    canReply: true,
    canEdit: false,
    canRedact: false,
    reactions: [],
    moreReactions: 0,
    readBy: [],
    moreReaders: 0,
    ...extra,
  };
}

/** A private room where the user may do everything (a moderator). */
export function roomDetails(id: string, extra: Partial<RoomDetails> = {}): RoomDetails {
  return {
    id,
    name: "Équipe projet",
    topic: null,
    access: "private",
    joinedMembers: 3,
    canRename: true,
    canChangeTopic: true,
    canInvite: true,
    canRemoveMembers: true,
    canOpenToExternals: true,
    ...extra,
  };
}
