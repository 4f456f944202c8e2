import { describe, expect, it } from "vitest";
import { parseSettings, SettingsError } from "./parse-settings.ts";
import { slugify, deriveSlugs } from "./derive-slug.ts";

function problems(raw: unknown): string[] {
  try {
    parseSettings(raw, "models.json");
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as SettingsError).problems;
  }
  throw new Error("expected a SettingsError");
}

describe("parseSettings: accepted shapes (reference-behavior §3)", () => {
  it("reads `models` rows with snake_case fields", () => {
    const s = parseSettings(
      { models: [{ model: "gpt-5.5", provider: "openai", base_url: "https://api.example.com/v1/", api_key_env: "EX_KEY", max_context_limit: 200000, max_output_tokens: 8000, no_image_support: true, extra_headers: { "X-A": "1", "X-B": null } }] },
      "f.json",
    );
    expect(s.models).toHaveLength(1);
    expect(s.models[0]).toMatchObject({
      slug: "gpt-5-5",
      model: "gpt-5.5",
      provider: "openai",
      baseUrl: "https://api.example.com/v1",
      displayName: "gpt-5.5",
      apiKeyEnv: "EX_KEY",
      maxContextLimit: 200000,
      maxOutputTokens: 8000,
      noImageSupport: true,
      extraHeaders: { "X-A": "1" },
      index: 0,
    });
  });

  it("accepts camelCase aliases and `name`/`baseURL`/`bearerToken`", () => {
    const s = parseSettings({ models: [{ model: "m", provider: "anthropic", baseURL: "https://api.anthropic.com", name: "Claude", bearerToken: "k", maxContextLimit: 1000, noImageSupport: false, extraHeaders: {} }] }, null);
    expect(s.models[0]).toMatchObject({ displayName: "Claude", baseUrl: "https://api.anthropic.com", apiKey: "k", maxContextLimit: 1000, slug: "m" });
  });

  it("reads legacy customModels and launch_models with bare strings (Ollama defaults)", () => {
    expect(parseSettings({ customModels: [{ model: "a", provider: "openai", base_url: "http://x/v1" }] }, null).models[0].slug).toBe("a");
    const s = parseSettings({ launch_models: ["qwen2.5-coder:14b", "llama3.2"] }, null);
    expect(s.models.map((m) => m.slug)).toEqual(["qwen2-5-coder-14b", "llama3-2"]);
    expect(s.models[0]).toMatchObject({ provider: "generic-chat-completion-api", baseUrl: "http://127.0.0.1:11434/v1" });
  });

  it("accepts a top-level array", () => {
    expect(parseSettings([{ model: "x", provider: "openai", base_url: "http://h/v1" }], null).models).toHaveLength(1);
  });

  it("normalizes provider ollama and fills its base URL", () => {
    const s = parseSettings({ models: [{ model: "q", provider: "Ollama" }] }, null);
    expect(s.models[0]).toMatchObject({ provider: "generic-chat-completion-api", baseUrl: "http://127.0.0.1:11434/v1" });
  });

  it("keeps an explicit provider even when the URL looks like Ollama (fixes the original's override)", () => {
    const s = parseSettings({ models: [{ model: "q", provider: "anthropic", base_url: "http://127.0.0.1:11434" }] }, null);
    expect(s.models[0].provider).toBe("anthropic");
  });

  it("infers Ollama from the URL when no provider is given", () => {
    expect(parseSettings({ models: [{ model: "q", base_url: "http://localhost:11434/v1" }] }, null).models[0].provider).toBe("generic-chat-completion-api");
  });

  it("keeps the router block and opencode-go metadata", () => {
    const s = parseSettings({ router: { enabled: true }, models: [{ model: "m", provider: "openai", base_url: "http://h/v1", generated_by: "opencode-go refresh", opencode_go_endpoint: "chat" }] }, null);
    expect(s.router).toMatchObject({ enabled: true, slug: "codex-auto", candidates: [] });
  });

  it("reads per-model timeouts", () => {
    const s = parseSettings({ models: [{ model: "m", provider: "openai", base_url: "http://h/v1", timeouts: { connectMs: 2000, idle_ms: 5000 } }] }, null);
    expect(s.models[0].timeouts).toEqual({ connectMs: 2000, headersMs: 600000, idleMs: 5000 });
  });
});

describe("parseSettings: one clear message per problem", () => {
  it("names the file, the field path and what was expected", () => {
    const p = problems({
      models: [
        { model: "a", provider: "openai", base_url: "http://ok/v1" },
        { model: "b", provider: "openai", base_url: "http://ok/v1" },
        { model: "c", provider: "openai", base_url: "localhost" },
      ],
    });
    expect(p).toEqual(['models.json: models[2].base_url: expected an http(s) URL, got "localhost"']);
  });

  it("reports every problem at once, with typo hints and the user's spelling", () => {
    const p = problems({
      models: [
        { model: "a", provider: "opnai", baseUrl: "ftp://x", max_context_limt: 5 },
        { provider: "openai", base_url: "http://h/v1", no_image_support: "false" },
      ],
    });
    expect(p).toContain('models.json: models[0].max_context_limt: is not a known setting (typo? did you mean "max_context_limit"?)');
    expect(p.some((l) => l.startsWith("models.json: models[0].provider: expected one of"))).toBe(true);
    expect(p).toContain('models.json: models[0].baseUrl: expected an http(s) URL, got "ftp://x"');
    expect(p.some((l) => l.startsWith("models.json: models[1].model: is required"))).toBe(true);
    expect(p).toContain('models.json: models[1].no_image_support: expected true or false, got "false"');
  });

  it("rejects both spellings of one key", () => {
    expect(problems({ models: [{ model: "a", provider: "openai", base_url: "http://h/v1", baseUrl: "http://h/v1" }] })).toEqual([
      'models.json: models[0].baseUrl: both "base_url" and "baseUrl" are set; use one',
    ]);
  });

  it("flags unknown top-level keys and non-array models", () => {
    expect(problems({ modles: [] })[0]).toContain('modles: is not a known setting (typo? did you mean "models"?)');
    expect(problems({ models: {} })[0]).toContain("models: expected an array of model rows");
  });

  it("rejects a non-integer index and non-object extra_headers (the original crashed)", () => {
    const p = problems({ models: [{ model: "a", provider: "openai", base_url: "http://h/v1", index: "x", extra_headers: "nope" }] });
    expect(p).toHaveLength(2);
  });
});

describe("slugs (reference-behavior §3.3)", () => {
  it("slugifies", () => {
    expect(slugify("llama3.2")).toBe("llama3-2");
    expect(slugify("qwen2.5-coder:14b")).toBe("qwen2-5-coder-14b");
    expect(slugify("glm-5.1")).toBe("glm-5-1");
    expect(slugify("  ")).toBe("model");
  });

  it("uses display names when one model appears twice", () => {
    expect(
      deriveSlugs([
        { model: "gpt-5.5", displayName: "Fast High", index: 0 },
        { model: "gpt-5.5", displayName: "Fast Low", index: 1 },
      ]),
    ).toEqual(["fast-high", "fast-low"]);
  });

  it("resolves collisions with the index, then the count", () => {
    expect(
      deriveSlugs([
        { model: "a", displayName: "a", index: 0 },
        { model: "b", displayName: "b", slug: "a", index: 1 },
        { model: "c", displayName: "c", slug: "a-1", index: 2 },
      ]),
    ).toEqual(["a", "a-1", "a-1-2"]);
  });
});

describe("parseSettings: one message per mistake", () => {
  it("a wrong type gets one line naming the field and what it accepts", () => {
    const row = { model: "m", provider: "openai", base_url: "http://h/v1" };
    expect(problems({ models: [{ ...row, max_context_limit: "big" }] })).toEqual(['models.json: models[0].max_context_limit: expected a positive integer or null, got "big"']);
    expect(problems({ models: [{ ...row, maxOutputTokens: 0 }] })).toEqual(["models.json: models[0].maxOutputTokens: expected a positive integer or null, got 0"]);
    expect(problems({ models: [{ ...row, extra_headers: { "X-A": 1 } }] })).toEqual(["models.json: models[0].extra_headers.X-A: expected a string (or null to drop the header), got 1"]);
    expect(problems({ models: [{ ...row, timeouts: { idle_ms: "x" } }] })).toEqual(['models.json: models[0].timeouts.idle_ms: expected milliseconds, an integer between 100 and 3600000, got "x"']);
    expect(problems({ models: [{ ...row, max_context_limit: "big", no_image_support: "no" }] })).toHaveLength(2);
  });
  it("accepts null for the nullable numbers", () => {
    expect(parseSettings({ models: [{ model: "m", provider: "openai", base_url: "http://h/v1", max_context_limit: null, extra_headers: { a: null } }] }, null).models[0].maxContextLimit).toBeUndefined();
  });
});

describe("parseSettings: response_store", () => {
  it("reads the limits, defaults what is unset, and is absent when not given", () => {
    expect(parseSettings({ models: [] }, null).responseStore).toBeUndefined();
    expect(parseSettings({ models: [], response_store: { max_megabytes: 10 } }, null).responseStore).toEqual({ enabled: true, maxMegabytes: 10, maxAgeDays: 30 });
    expect(parseSettings({ models: [], response_store: { enabled: false, maxAgeDays: 2 } }, null).responseStore).toEqual({ enabled: false, maxMegabytes: 256, maxAgeDays: 2 });
  });

  it("names the file, the field and what was expected", () => {
    expect(problems({ models: [], response_store: { max_megabytes: 0, max_age_days: "7", enabld: true } })).toEqual([
      'models.json: response_store.enabld: is not a known setting (typo? did you mean "enabled"?)',
      "models.json: response_store.max_megabytes: expected megabytes between 1 and 1000000, got 0",
      'models.json: response_store.max_age_days: expected a positive integer, got "7"',
    ]);
    expect(problems({ models: [], response_store: 5 })).toEqual(['models.json: response_store: expected an object like {"max_megabytes": 256, "max_age_days": 30}, got 5']);
  });
});

describe("parseSettings: debug and websockets", () => {
  it("reads debug.capture and websockets", () => {
    const s = parseSettings({ models: [], debug: { capture: true }, websockets: false }, null);
    expect(s.debug).toEqual({ capture: true });
    expect(s.websockets).toBe(false);
    expect(parseSettings({ models: [], debug: {} }, null).debug).toEqual({});
  });

  it("names the file, the field and what was expected (the same wording as the other blocks)", () => {
    expect(problems({ models: [], debug: { captur: true } })).toEqual(['models.json: debug.captur: is not a known setting (typo? did you mean "capture"?)']);
    expect(problems({ models: [], debug: { capture: "yes" } })).toEqual(['models.json: debug.capture: expected true or false, got "yes"']);
    expect(problems({ models: [], debug: [] })).toEqual(['models.json: debug: expected an object like {"capture": true}, got []']);
    expect(problems({ models: [], websockets: 1 })).toEqual(["models.json: websockets: expected true or false (WebSocket mode for Codex; default true), got 1"]);
  });
});
