// How each kind of room is shown: its icon (DSFR's, from Remix Icon) and its
// French label.
import type { RoomAccess } from "../../bindings";
import type { MessageKey } from "../../lib/i18n/translate";

/** SVG path data, 24×24 viewBox. */
export const ACCESS_ICON: Record<RoomAccess, string> = {
  // lock-line
  private:
    "M19 10h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1V9a7 7 0 0 1 14 0v1ZM5 12v8h14v-8H5Zm6 2h2v4h-2v-4Zm6-4V9A5 5 0 1 0 7 9v1h10Z",
  // team-line
  privateOpenToExternals:
    "M12 11a5 5 0 0 1 5 5v6h-2v-6a3 3 0 0 0-2.824-2.995L12 13a3 3 0 0 0-2.995 2.824L9 16v6H7v-6a5 5 0 0 1 5-5Zm-6.5 3c.279 0 .55.033.81.094a5.947 5.947 0 0 0-.301 1.575L6 16v.086a1.492 1.492 0 0 0-.356-.08L5.5 16a1.5 1.5 0 0 0-1.493 1.356L4 17.5V22H2v-4.5A3.5 3.5 0 0 1 5.5 14Zm13 0a3.5 3.5 0 0 1 3.5 3.5V22h-2v-4.5a1.5 1.5 0 0 0-1.356-1.493L18.5 16c-.175 0-.343.03-.5.085V16c0-.666-.108-1.306-.309-1.904A3.42 3.42 0 0 1 18.5 14Zm-13-6a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5Zm13 0a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5Zm-13 2a.5.5 0 1 0 0 1 .5.5 0 0 0 0-1Zm13 0a.5.5 0 1 0 0 1 .5.5 0 0 0 0-1ZM12 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8Zm0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4Z",
  // global-line
  forum:
    "M12 2c5.523 0 10 4.477 10 10s-4.477 10-10 10S2 17.523 2 12 6.477 2 12 2Zm1.97 11h-3.94c.151 2.439.848 4.73 1.97 6.752A15.905 15.905 0 0 0 13.97 13Zm-5.943 0H4.062a8.008 8.008 0 0 0 5.648 6.667A17.9 17.9 0 0 1 8.027 13Zm11.911 0h-3.965a17.9 17.9 0 0 1-1.683 6.667A8.008 8.008 0 0 0 19.938 13ZM12 4.248A15.905 15.905 0 0 0 10.03 11h3.939A15.905 15.905 0 0 0 12 4.248Zm-2.29.085A8.008 8.008 0 0 0 4.062 11h3.965A17.9 17.9 0 0 1 9.71 4.333Zm4.58 0A17.9 17.9 0 0 1 15.973 11h3.965a8.008 8.008 0 0 0-5.648-6.667Z",
  // chat-3-line
  direct:
    "M12 2c5.523 0 10 4.477 10 10s-4.477 10-10 10a9.956 9.956 0 0 1-4.709-1.176L2 22l1.176-5.291A9.956 9.956 0 0 1 2 12C2 6.477 6.477 2 12 2Zm0 2a8 8 0 0 0-8 8c0 1.334.325 2.618.94 3.766l.349.653-.655 2.947 2.947-.655.653.35A7.955 7.955 0 0 0 12 20a8 8 0 0 0 0-16Z",
};

export function accessLabel(access: RoomAccess): MessageKey {
  return `roomKind.${access}`;
}

/** Tchap's sentence: "Ce salon est privé…". */
export function accessText(access: RoomAccess): MessageKey {
  return `roomKind.text.${access}`;
}
