// PLACEHOLDER — this file will be generated from the Rust types by tauri-specta
// (a Rust test rewrites it and fails when it drifts). Shapes below are the contract.
import { invoke as __TAURI_INVOKE, Channel } from "@tauri-apps/api/core";
import * as __TAURI_EVENT from "@tauri-apps/api/event";

type Res<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: AppError }>;
async function typedError<T, E>(result: Promise<T>): Promise<{ status: "ok"; data: T } | { status: "error"; error: E }> {
  try { return { status: "ok", data: await result }; }
  catch (e) { if (e instanceof Error) throw e; return { status: "error", error: e as any }; }
}

export const commands = {
  appConfig: (): Res<AppConfig> => typedError(__TAURI_INVOKE("app_config")),
  restoreSession: (): Res<SessionInfo | null> => typedError(__TAURI_INVOKE("restore_session")),
  login: (homeserver: string, username: string, password: string): Res<SessionInfo> =>
    typedError(__TAURI_INVOKE("login", { homeserver, username, password })),
  logout: (): Res<null> => typedError(__TAURI_INVOKE("logout")),
  subscribeRoomList: (onUpdate: Channel<ListDiff<RoomSummary>[]>): Res<null> =>
    typedError(__TAURI_INVOKE("subscribe_room_list", { onUpdate })),
  openTimeline: (roomId: string, onUpdate: Channel<ListDiff<TimelineItem>[]>): Res<null> =>
    typedError(__TAURI_INVOKE("open_timeline", { roomId, onUpdate })),
  closeTimeline: (roomId: string): Res<null> => typedError(__TAURI_INVOKE("close_timeline", { roomId })),
  /** Loads older messages; resolves true once the start of the room is reached. */
  paginateBackwards: (roomId: string): Res<boolean> => typedError(__TAURI_INVOKE("paginate_backwards", { roomId })),
  sendMessage: (roomId: string, body: string): Res<null> => typedError(__TAURI_INVOKE("send_message", { roomId, body })),
  retrySend: (roomId: string, itemId: string): Res<null> => typedError(__TAURI_INVOKE("retry_send", { roomId, itemId })),
  discardSend: (roomId: string, itemId: string): Res<null> => typedError(__TAURI_INVOKE("discard_send", { roomId, itemId })),
  markRead: (roomId: string): Res<null> => typedError(__TAURI_INVOKE("mark_read", { roomId })),
  acceptInvite: (roomId: string): Res<null> => typedError(__TAURI_INVOKE("accept_invite", { roomId })),
  declineInvite: (roomId: string): Res<null> => typedError(__TAURI_INVOKE("decline_invite", { roomId })),
  /** Returns the id of the (new or existing) direct chat. */
  createDm: (userId: string): Res<string> => typedError(__TAURI_INVOKE("create_dm", { userId })),
  /** Returns the id of the new room. */
  createRoom: (name: string): Res<string> => typedError(__TAURI_INVOKE("create_room", { name })),
};

export const events = {
  /** Low-rate signal: state of the background sync. */
  syncStateChanged: {
    listen: (cb: (e: { payload: SyncState }) => void) => __TAURI_EVENT.listen<SyncState>("sync-state-changed", cb),
  },
  /** The session ended by itself (token revoked, logged out elsewhere): back to login. */
  sessionEnded: {
    listen: (cb: (e: { payload: SessionEnded }) => void) => __TAURI_EVENT.listen<SessionEnded>("session-ended", cb),
  },
};

export type ErrorCode =
  | "invalid_homeserver_url" | "homeserver_unreachable" | "not_a_matrix_server"
  | "invalid_credentials" | "user_deactivated" | "rate_limited" | "not_logged_in"
  | "room_not_found" | "invalid_user_id" | "user_not_found" | "forbidden"
  | "network" | "storage" | "internal";
export type AppError = { code: ErrorCode; message: string };
export type AppConfig = { defaultHomeserver: string };
export type SessionInfo = { userId: string; deviceId: string; homeserver: string; displayName: string | null };
export type SyncState = { state: "starting" | "running" | "offline" | "error" };
export type SessionEnded = { reason: "logged_out" | "token_revoked" };

export type RoomKind = "dm" | "room" | "invite";
export type LastMessage = { senderName: string; body: string; timestamp: number };
export type RoomSummary = {
  id: string; name: string; kind: RoomKind; initials: string;
  lastMessage: LastMessage | null; unreadCount: number; mentionCount: number;
  isEncrypted: boolean; inviterName: string | null;
};

/** One change to an ordered list (matrix-sdk's VectorDiff), applied in order. */
export type ListDiff<T> =
  | { op: "append"; values: T[] } | { op: "clear" }
  | { op: "pushFront"; value: T } | { op: "pushBack"; value: T }
  | { op: "popFront" } | { op: "popBack" }
  | { op: "insert"; index: number; value: T } | { op: "set"; index: number; value: T }
  | { op: "remove"; index: number } | { op: "truncate"; length: number }
  | { op: "reset"; values: T[] };

export type SendState = { state: "sending" } | { state: "sent" } | { state: "failed"; recoverable: boolean };
export type MembershipChange = "joined" | "left" | "invited" | "kicked" | "banned" | "other";
export type MessageContent =
  | { type: "text"; body: string } | { type: "notice"; body: string } | { type: "emote"; body: string }
  | { type: "file"; name: string } | { type: "redacted" } | { type: "undecryptable" }
  | { type: "membership"; change: MembershipChange; targetName: string }
  | { type: "roomCreated" } | { type: "unsupported" };
export type TimelineItem =
  | { kind: "event"; id: string; eventId: string | null; senderId: string; senderName: string; isOwn: boolean;
      timestamp: number; content: MessageContent; sendState: SendState | null }
  | { kind: "daySeparator"; id: string; timestamp: number }
  | { kind: "readMarker"; id: string }
  | { kind: "timelineStart"; id: string };
