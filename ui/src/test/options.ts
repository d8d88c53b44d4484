import { within } from "@testing-library/svelte";
import { expect } from "vitest";

/**
 * The options in `container` have these accessible names, in this order
 * (names computed as assistive technologies do: an option's visible
 * content is hidden from them behind a spoken label, see Listbox).
 */
export function expectOptionNames(container: HTMLElement, names: (string | RegExp)[]): void {
  const options = within(container).queryAllByRole("option");
  expect(options.length, `options: ${options.map((o) => o.textContent).join(" | ")}`).toBe(names.length);
  options.forEach((option, i) => expect(option).toHaveAccessibleName(names[i]));
}
