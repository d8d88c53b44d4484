// Attachments reach the webview through the backend's `tchap-media` scheme,
// from its antivirus-checked cache: never a homeserver URL, never base64.
// WebKit (Linux) names a custom scheme `tchap-media://localhost/…`; WebView2
// (Windows) serves it as `http://tchap-media.localhost/…`.
import type { MediaVariant } from "../../bindings";

const onWindows = typeof navigator !== "undefined" && navigator.userAgent.includes("Windows");
const BASE = onWindows ? "http://tchap-media.localhost" : "tchap-media://localhost";

/**
 * WebView2's player reads the scheme itself, in parts. WebKitGTK's plays
 * through GStreamer, whose source only opens http(s), blob and file
 * addresses: there the page reads the bytes from the scheme first.
 */
export const playerReadsScheme = onWindows;

export type MediaPath = MediaVariant | "placeholder";

/** The address of an attachment of a timeline item. */
export function mediaUrl(roomId: string, itemId: string, variant: MediaPath): string {
  return `${BASE}/${variant}/${encodeURIComponent(roomId)}/${encodeURIComponent(itemId)}`;
}

/** The address of a file being prepared for sending (its preview). */
export function pendingUrl(id: string): string {
  return `${BASE}/pending/${encodeURIComponent(id)}`;
}
