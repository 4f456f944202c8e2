import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["adapters/**/*.test.ts", "machines/**/*.test.ts", "server/**/*.test.ts", "cli/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // clipanion 3.2.1's .mjs build imports a directory, which Vite's externalized loader rejects (docs/decisions.md).
    server: { deps: { inline: ["clipanion"] } },
    pool: "forks",
    setupFiles: ["test/setup-fast-check.ts"],
  },
});
