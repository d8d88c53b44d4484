export const AVATAR_COLORS = 6;

/** A stable colour index (0..AVATAR_COLORS-1) for an id, used as a CSS class. */
export function avatarColor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % AVATAR_COLORS;
}
