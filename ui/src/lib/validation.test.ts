import { describe, expect, it } from "vitest";
import { isMatrixUserId } from "./validation";

describe("isMatrixUserId", () => {
  it.each([
    "@jean.dupont:agent.tchap.gouv.fr",
    "@jean.dupont-interieur.gouv.fr:agent.interieur.tchap.gouv.fr",
    "@alice:localhost:8008",
    "@bob:127.0.0.1",
    "@carol:[::1]:8448",
    "@d_e=f/g+h:example.org",
  ])("accepts %s", (id) => expect(isMatrixUserId(id)).toBe(true));

  it.each([
    "",
    "jean.dupont:agent.tchap.gouv.fr",
    "@jean.dupont",
    "@:example.org",
    "@jean dupont:example.org",
    "@jean:",
    "@jean:exa mple.org",
    "@jean:example.org:port",
    "#salon:example.org",
    "jean.dupont@interieur.gouv.fr",
  ])("rejects %j", (id) => expect(isMatrixUserId(id)).toBe(false));
});
