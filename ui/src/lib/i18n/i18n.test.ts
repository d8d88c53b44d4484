import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { currentLocale, initLocale, LOCALE_STORAGE_KEY, setLocale, t, tn } from "./locale.svelte";
import { translate, translatePlural } from "./translate";

describe("translate", () => {
  it("replaces placeholders", () => {
    expect(translate("fr", "invite.acceptLabel", { name: "Équipe projet" })).toBe(
      "Accepter l'invitation à Équipe projet",
    );
    expect(translate("fr", "rooms.preview", { sender: "Alice", body: "Bonjour" })).toBe("Alice : Bonjour");
    expect(translate("en", "rooms.preview", { sender: "Alice", body: "Hello" })).toBe("Alice: Hello");
  });

  it("does not interpret placeholders found in the values", () => {
    expect(translate("fr", "rooms.preview", { sender: "{body}", body: "x" })).toBe("{body} : x");
  });

  it("uses French plural rules (0 and 1 are singular)", () => {
    expect(translatePlural("fr", "rooms.unread", 1)).toBe("1 message non lu");
    expect(translatePlural("fr", "rooms.unread", 3)).toBe("3 messages non lus");
    expect(translatePlural("en", "rooms.unread", 1)).toBe("1 unread message");
    expect(translatePlural("en", "rooms.unread", 2)).toBe("2 unread messages");
  });

  it("has every English string filled in", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const value of Object.values(en)) expect(value.trim()).not.toBe("");
  });
});

describe("current language", () => {
  it("is French by default", () => {
    initLocale();
    expect(currentLocale()).toBe("fr");
    expect(t("login.submit")).toBe("Se connecter");
    expect(document.documentElement.lang).toBe("fr");
  });

  it("switches, updates <html lang> and is remembered", () => {
    setLocale("en");
    expect(t("login.submit")).toBe("Sign in");
    expect(tn("rooms.mentions", 2)).toBe("2 mentions");
    expect(document.documentElement.lang).toBe("en");
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe("en");
  });

  it("restores the saved choice at start-up and ignores garbage", () => {
    localStorage.setItem(LOCALE_STORAGE_KEY, "en");
    initLocale();
    expect(currentLocale()).toBe("en");
    localStorage.setItem(LOCALE_STORAGE_KEY, "klingon");
    initLocale();
    expect(currentLocale()).toBe("fr");
  });
});
