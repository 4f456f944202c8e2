import { describe, expect, it } from "vitest";
import { loopbackBypassed, withLoopbackNoProxy } from "./no-proxy.ts";

describe("NO_PROXY for launched Codex", () => {
  it("appends missing loopback hosts to each variable, keeping order and case-insensitive duplicates out", () => {
    const env = withLoopbackNoProxy({ NO_PROXY: "example.com, LOCALHOST" });
    expect(env.NO_PROXY).toBe("example.com,LOCALHOST,127.0.0.1,::1");
    expect(env.no_proxy).toBe("127.0.0.1,localhost,::1");
  });
  it("detects coverage across both spellings and the * wildcard", () => {
    expect(loopbackBypassed({ NO_PROXY: "127.0.0.1", no_proxy: "localhost,::1" })).toBe(true);
    expect(loopbackBypassed({ no_proxy: "*" })).toBe(true);
    expect(loopbackBypassed({ NO_PROXY: "127.0.0.1,localhost" })).toBe(false);
  });
});
