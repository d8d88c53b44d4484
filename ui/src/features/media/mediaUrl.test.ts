import { afterEach, describe, expect, it, vi } from "vitest";

/** The module as a webview with this user agent loads it. */
async function loadedBy(userAgent: string) {
  vi.resetModules();
  vi.stubGlobal("navigator", { userAgent });
  return import("./mediaUrl");
}

afterEach(() => vi.unstubAllGlobals());

describe("the addresses of attachments", () => {
  it("name the scheme as WebKitGTK does on Linux, where the page reads media for the player", async () => {
    const { mediaUrl, pendingUrl, playerReadsScheme } = await loadedBy("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)");
    expect(mediaUrl("!salle:agent.tchap.gouv.fr", "$évènement", "original")).toBe(
      "tchap-media://localhost/original/!salle%3Aagent.tchap.gouv.fr/%24%C3%A9v%C3%A8nement",
    );
    expect(pendingUrl("pending 1/..")).toBe("tchap-media://localhost/pending/pending%201%2F..");
    expect(playerReadsScheme).toBe(false);
  });

  it("name it as WebView2 does on Windows, where the player reads it itself", async () => {
    const { mediaUrl, pendingUrl, playerReadsScheme } = await loadedBy("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120.0");
    expect(mediaUrl("!salle:a", "item-1", "thumbnail")).toBe("http://tchap-media.localhost/thumbnail/!salle%3Aa/item-1");
    expect(pendingUrl("pending-1")).toBe("http://tchap-media.localhost/pending/pending-1");
    expect(playerReadsScheme).toBe(true);
  });
});
