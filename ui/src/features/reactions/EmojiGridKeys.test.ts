import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import EmojiPicker from "./EmojiPicker.svelte";

describe("emoji picker's grid with the keyboard", () => {
  it("moves by one with ←/→ and by a row of 8 with ↑/↓, stops at the ends, Home/End reach them", async () => {
    const user = userEvent.setup();
    const onpick = vi.fn();
    render(EmojiPicker, { onpick, onclose: () => {} });
    const options = within(screen.getByRole("listbox", { name: "Choisir un émoji" })).getAllByRole("option");
    const selected = () => options.findIndex((o) => o.getAttribute("aria-selected") === "true");
    expect(selected()).toBe(0);

    await user.keyboard("{ArrowDown}{ArrowRight}");
    expect(selected()).toBe(9);
    await user.keyboard("{ArrowUp}{ArrowUp}{ArrowLeft}");
    expect(selected()).toBe(0);
    await user.keyboard("{End}");
    expect(selected()).toBe(options.length - 1);
    await user.keyboard("{ArrowRight}{ArrowDown}");
    expect(selected()).toBe(options.length - 1);
    await user.keyboard("{Home}{ArrowDown}{Enter}");
    expect(onpick).toHaveBeenCalledWith(options[8]!.textContent?.trim());
  });
});
