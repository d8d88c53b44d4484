export const AVATAR_COLORS = 6;

/** A stable colour index (0..AVATAR_COLORS-1) for an id, used as a CSS class. */
export function avatarColor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % AVATAR_COLORS;
}

/** Up to two letters for a name ("Alice Martin" → "AM"); "?" for none. */
export function initials(name: string): string {
  const words = name.replace(/^@/, "").split(/[\s.]+/).filter(Boolean);
  return ((words[0]?.[0] ?? "") + (words[1]?.[0] ?? "")).toUpperCase() || "?";
}
