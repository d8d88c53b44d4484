import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../bindings";
import { errorMessage } from "./errors";

// A Record, so that type-checking fails when the contract gains a code missing here.
const CODES: Record<ErrorCode, true> = {
  invalid_homeserver_url: true,
  homeserver_unreachable: true,
  not_a_matrix_server: true,
  invalid_credentials: true,
  user_deactivated: true,
  rate_limited: true,
  not_logged_in: true,
  room_not_found: true,
  not_found: true,
  invalid_user_id: true,
  user_not_found: true,
  forbidden: true,
  network: true,
  storage: true,
  secret_store_unavailable: true,
  session_locked: true,
  insecure_homeserver: true,
  already_running: true,
  account_expired: true,
  server_error: true,
  untrusted_certificate: true,
  proxy_error: true,
  invalid_recovery_key: true,
  recovery_not_set_up: true,
  no_other_session: true,
  verification_not_found: true,
  no_identity: true,
  invalid_session_name: true,
  session_not_found: true,
  invalid_email: true,
  email_not_allowed: true,
  no_server_answered: true,
  email_in_use: true,
  weak_password: true,
  external_not_invited: true,
  terms_not_accepted: true,
  registration_unavailable: true,
  weak_passphrase: true,
  invalid_key_file_passphrase: true,
  invalid_key_file: true,
  file_not_accessible: true,
  externals_not_allowed: true,
  room_rules_refused: true,
  file_too_large: true,
  empty_file: true,
  not_a_file: true,
  too_many_attachments: true,
  external_email_not_allowed: true,
  scanner_unavailable: true,
  media_blocked: true,
  media_unreadable: true,
  media_too_large: true,
  notification_settings_not_saved: true,
  invalid_link: true,
  event_not_found: true,
  managed_by_policy: true,
  disk_full: true,
  internal: true,
};
const ALL_CODES = Object.keys(CODES) as ErrorCode[];

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

  it("explains the network and account problems users can fix or report", () => {
    expect(errorMessage("fr", { code: "insecure_homeserver" })).toBe(
      "Par sécurité, Tchap ne se connecte qu'en https. Vérifiez l'adresse du serveur (elle doit commencer par https://).",
    );
    expect(errorMessage("fr", { code: "untrusted_certificate" })).toContain("proxy");
    expect(errorMessage("fr", { code: "untrusted_certificate" })).toContain("support informatique");
    expect(errorMessage("fr", { code: "proxy_error" })).toContain("proxy");
    expect(errorMessage("fr", { code: "server_error" })).toContain("Réessayez");
    expect(errorMessage("fr", { code: "session_locked" })).toContain("rien n'est perdu");
    expect(errorMessage("fr", { code: "account_expired" })).toContain("e-mail");
    expect(errorMessage("fr", { code: "already_running" })).toContain("Tchap est déjà ouvert sur ce poste.");
    expect(errorMessage("fr", { code: "not_found" })).toBe("Élément introuvable.");
    expect(errorMessage("en", { code: "insecure_homeserver" })).toContain("https://");
  });

  it("names the server whose certificate this computer does not trust", () => {
    const named = errorMessage("fr", { code: "untrusted_certificate", server: "matrix.example.gouv.fr" });
    expect(named).toBe(
      "Le certificat de matrix.example.gouv.fr n'est pas reconnu par ce poste : la connexion a été bloquée. Votre service informatique doit installer l'autorité de certification du ministère.",
    );
    expect(errorMessage("en", { code: "untrusted_certificate", server: "matrix.example.gouv.fr" })).toContain("matrix.example.gouv.fr");
    // Without a server, the general sentence; other codes ignore the server.
    expect(errorMessage("fr", { code: "untrusted_certificate" })).toContain("support informatique");
    expect(errorMessage("fr", { code: "proxy_error", server: "matrix.example.gouv.fr" })).toBe(errorMessage("fr", { code: "proxy_error" }));
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
