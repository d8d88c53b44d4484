import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../bindings";
import { errorMessage } from "./errors";

const ALL_CODES: ErrorCode[] = [
  "invalid_homeserver_url",
  "homeserver_unreachable",
  "not_a_matrix_server",
  "invalid_credentials",
  "user_deactivated",
  "rate_limited",
  "not_logged_in",
  "room_not_found",
  "invalid_user_id",
  "user_not_found",
  "forbidden",
  "network",
  "storage",
  "internal",
];

describe("errorMessage", () => {
  it("gives the French sentences users see at login", () => {
    expect(errorMessage("fr", { code: "invalid_credentials" })).toBe("Identifiant ou mot de passe incorrect.");
    expect(errorMessage("fr", { code: "homeserver_unreachable" })).toBe(
      "Impossible de joindre le serveur. Vérifiez votre connexion ou l'adresse du serveur.",
    );
    expect(errorMessage("fr", { code: "invalid_homeserver_url" })).toBe(
      "L'adresse du serveur n'est pas valide. Exemple : https://matrix.agent.tchap.gouv.fr",
    );
  });

  it.each(["fr", "en"] as const)("has a distinct sentence for every code in %s", (locale) => {
    const sentences = ALL_CODES.map((code) => errorMessage(locale, { code }));
    expect(new Set(sentences).size).toBe(ALL_CODES.length);
    for (const s of sentences) expect(s).toMatch(/^[A-ZÀ-Ý].{10,}[.!]?/);
  });

  it("tells a non-Matrix server apart from an unreachable one", () => {
    const notMatrix = errorMessage("fr", { code: "not_a_matrix_server" });
    expect(notMatrix).not.toBe(errorMessage("fr", { code: "homeserver_unreachable" }));
    expect(notMatrix).toContain("serveur");
  });

  it("speaks English when asked", () => {
    expect(errorMessage("en", { code: "invalid_credentials" })).toBe("Wrong username or password.");
  });

  it("never shows the backend's technical message", () => {
    const text = errorMessage("fr", { code: "network", message: "reqwest::Error { kind: Connect }" });
    expect(text).not.toContain("reqwest");
  });

  it("falls back to the generic sentence for a code it does not know", () => {
    expect(errorMessage("fr", { code: "brand_new_code" as ErrorCode })).toBe(
      errorMessage("fr", { code: "internal" }),
    );
  });
});
