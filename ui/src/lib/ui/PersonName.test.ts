import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { aroundPerson, PERSON_MARK, personLabel } from "../person";
import { t } from "../i18n/locale.svelte";
import PersonName from "./PersonName.svelte";

const text = (el: Element) => el.textContent?.replace(/\s+/g, " ").trim();

describe("a person's name", () => {
  it("shows an agent's name with their ministry apart, and no badge", () => {
    const { container } = render(PersonName, { name: "Alice Martin", domain: "Dinum", isExternal: false });
    expect(text(container)).toBe("Alice Martin [Dinum]");
    expect(container.querySelector(".person__domain")).toHaveTextContent("[Dinum]");
    expect(container.querySelector(".fr-badge")).toBeNull();
  });

  it("marks an external with a badge read as « Externe »", () => {
    const { container, getByText } = render(PersonName, { name: "Nina Durand", domain: null, isExternal: true });
    expect(text(container)).toBe("Nina Durand Externe");
    expect(getByText("Externe")).toHaveClass("fr-badge");
    expect(container.querySelector(".person__domain")).toBeNull();
  });

  it("isolates the name, so that right-to-left characters cannot reorder what follows", () => {
    // U+202E (right-to-left override) would otherwise flip "[Dinum]" and the badge too.
    const spoof = "Eve \u202E]munid[ nitraM ecilA";
    const { container } = render(PersonName, { name: spoof, domain: "Intérieur", isExternal: true });
    const isolated = container.querySelectorAll("bdi");
    expect(isolated[0]?.textContent).toBe(spoof);
    expect(isolated[1]?.textContent).toBe("Intérieur");
    // The badge is outside the isolated name.
    expect(container.querySelector("bdi .fr-badge")).toBeNull();
  });

  it("reads the ministry or « Externe » in accessible names, and puts a person in a sentence", () => {
    expect(personLabel({ name: "Alice Martin", domain: "Dinum" }, t)).toBe("Alice Martin, Dinum");
    expect(personLabel({ name: "Nina Durand", isExternal: true }, t)).toBe("Nina Durand, Externe");
    expect(aroundPerson(t("invite.textFrom", { inviter: PERSON_MARK }))).toEqual([
      "",
      " vous invite à rejoindre cette conversation.",
    ]);
  });
});
