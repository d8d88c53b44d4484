import { describe, expect, it } from "vitest";
import { AVATAR_COLORS, avatarColor } from "./avatar";

describe("avatar helpers", () => {
  it("gives a stable colour within range", () => {
    const c = avatarColor("!abc:agent.tchap.gouv.fr");
    expect(c).toBe(avatarColor("!abc:agent.tchap.gouv.fr"));
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThan(AVATAR_COLORS);
  });

  it("spreads rooms over several colours", () => {
    const colours = new Set(Array.from({ length: 20 }, (_, i) => avatarColor(`!room${i}:example.org`)));
    expect(colours.size).toBeGreaterThan(2);
  });
});
