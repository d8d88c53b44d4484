import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  // Relative URLs: the bundle is served by Tauri's custom protocol.
  base: "./",
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Strict CSP (default-src 'self'): fonts and icons must be files, never data: URIs.
    assetsInlineLimit: 0,
    // The polyfill is not needed by the Tauri webviews and would only add code.
    modulePreload: { polyfill: false },
    target: ["es2022", "chrome105", "safari15"],
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});
