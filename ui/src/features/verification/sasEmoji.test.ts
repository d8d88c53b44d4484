import { describe, expect, it } from "vitest";
import { sasEmojiName } from "./sasEmoji";

describe("SAS emoji names", () => {
  it("names the spec's emojis in French by their index, in English otherwise", () => {
    expect(sasEmojiName({ index: 0, description: "Dog" }, "fr")).toBe("Chien");
    expect(sasEmojiName({ index: 34, description: "Spanner" }, "fr")).toBe("Clé à molette");
    expect(sasEmojiName({ index: 63, description: "Pin" }, "fr")).toBe("Punaise");
    expect(sasEmojiName({ index: 63, description: "Pin" }, "en")).toBe("Pin");
  });

  it("falls back to the English name for an index outside the table", () => {
    expect(sasEmojiName({ index: 64, description: "Mystery" }, "fr")).toBe("Mystery");
  });
});

