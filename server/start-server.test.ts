import { describe, expect, it } from "vitest";
import { DEFAULT_KEEPALIVE_MS, keepAliveMsFrom } from "./start-server.ts";

describe("keep-alive cadence", () => {
  it("defaults to 1 s, so no Codex idle timeout of 2 s or more fires during upstream silence", () => {
    expect(DEFAULT_KEEPALIVE_MS).toBe(1000);
    expect(keepAliveMsFrom({})).toBe(1000);
    expect(keepAliveMsFrom({ CODEX_SHIM_KEEPALIVE_MS: "" })).toBe(1000);
  });
  it("takes CODEX_SHIM_KEEPALIVE_MS (0 = off) and ignores nonsense", () => {
    expect(keepAliveMsFrom({ CODEX_SHIM_KEEPALIVE_MS: "250" })).toBe(250);
    expect(keepAliveMsFrom({ CODEX_SHIM_KEEPALIVE_MS: "0" })).toBe(0);
    expect(keepAliveMsFrom({ CODEX_SHIM_KEEPALIVE_MS: "soon" })).toBe(1000);
    expect(keepAliveMsFrom({ CODEX_SHIM_KEEPALIVE_MS: "-5" })).toBe(1000);
  });
});
