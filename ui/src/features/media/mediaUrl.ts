// Attachments reach the webview through the backend's `tchap-media` scheme,
// from its antivirus-checked cache: never a homeserver URL, never base64.
// WebKit (Linux) names a custom scheme `tchap-media://localhost/…`; WebView2
// (Windows) serves it as `http://tchap-media.localhost/…`.
import type { MediaVariant } from "../../bindings";

const onWindows = typeof navigator !== "undefined" && navigator.userAgent.includes("Windows");
const BASE = onWindows ? "http://tchap-media.localhost" : "tchap-media://localhost";

export type MediaPath = MediaVariant | "placeholder";

/** The address of an attachment of a timeline item. */
export function mediaUrl(roomId: string, itemId: string, variant: MediaPath): string {
  return `${BASE}/${variant}/${encodeURIComponent(roomId)}/${encodeURIComponent(itemId)}`;
}
