import { describe, expect, it } from "vitest";
import { keyStatus, resolveApiKey, isLoopbackUrl } from "./resolve-api-key.ts";
import { parseSettings } from "./parse-settings.ts";

const model = (row: Record<string, unknown>) => parseSettings({ models: [{ model: "m", provider: "openai", base_url: "https://api.example.com/v1", ...row }] }, null).models[0];

describe("API key resolution at request time", () => {
  it("prefers the api_key_env variable, falls back to the literal", () => {
    expect(resolveApiKey({ apiKeyEnv: "K", apiKey: "lit" }, { K: " env " })).toBe("env");
    expect(resolveApiKey({ apiKeyEnv: "K", apiKey: "lit" }, {})).toBe("lit");
  });

  it("expands ${VAR}", () => {
    expect(resolveApiKey({ apiKey: "${MY_KEY}" }, { MY_KEY: "abc" })).toBe("abc");
    expect(resolveApiKey({ apiKey: "${MY_KEY}" }, {})).toBe("");
  });

  it("never inherits a Cursor key for a keyless row", () => {
    const s = keyStatus(model({}), { CURSOR_API_KEY: "cursor-secret" });
    expect(s.usable).toBe(false);
    expect(s.reason).toBe("Model m has no API key. Add api_key/apiKey or api_key_env/apiKeyEnv for this model.");
  });

  it("names the env var to set", () => {
    expect(keyStatus(model({ api_key_env: "OPENCODE_GO_API_KEY" }), {}).reason).toContain("Set OPENCODE_GO_API_KEY");
  });

  it("lets local servers run without a key", () => {
    expect(keyStatus(model({ base_url: "http://127.0.0.1:11434/v1" }), {}).usable).toBe(true);
    expect(isLoopbackUrl("http://[::1]:8080")).toBe(true);
    expect(isLoopbackUrl("http://example.com")).toBe(false);
  });
});
