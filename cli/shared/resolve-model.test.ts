import { describe, expect, it } from "vitest";
import { parseSettings } from "../../adapters/settings/parse-settings.ts";
import { buildCatalog } from "../../adapters/codex-catalog/build-catalog.ts";
import { defaultModel, resolveModel } from "./resolve-model.ts";

const settings = parseSettings(
  {
    models: [
      { model: "claude-sonnet-4-5", slug: "sonnet", display_name: "Claude Sonnet", provider: "anthropic", base_url: "https://api.anthropic.com/v1", api_key: "k1" },
      { model: "claude-opus-4-1", slug: "opus", display_name: "Claude Opus", provider: "anthropic", base_url: "https://api.anthropic.com/v1", api_key_env: "NO_SUCH_KEY_VAR" },
      { model: "llama3.2", provider: "ollama" },
    ],
  },
  "models.json",
);
const env = {};
const { catalog } = buildCatalog(settings, env);

describe("resolveModel", () => {
  it("accepts a slug, an upstream model name, or a unique part of a display name", () => {
    expect(resolveModel("sonnet", catalog, settings, env)).toBe("sonnet");
    expect(resolveModel("claude-sonnet-4-5", catalog, settings, env)).toBe("sonnet");
    expect(resolveModel("llama3.2", catalog, settings, env)).toBe(settings.models[2].slug);
    expect(resolveModel("SONN", catalog, settings, env)).toBe("sonnet");
  });
  it("refuses a model without its key, naming the variable", () => {
    expect(() => resolveModel("opus", catalog, settings, env)).toThrow(/NO_SUCH_KEY_VAR/);
  });
  it("suggests the nearest slug for a typo and lists ambiguous matches", () => {
    expect(() => resolveModel("sonet", catalog, settings, env)).toThrow(/Did you mean 'sonnet'/);
    expect(() => resolveModel("l", catalog, settings, env)).toThrow(/Ambiguous/);
  });
  it("defaults to the managed model when usable, else the lowest priority", () => {
    expect(defaultModel(catalog, "opus")).toBe("sonnet");
    expect(defaultModel(catalog, settings.models[2].slug)).toBe(settings.models[2].slug);
    expect(defaultModel({ models: [] }, undefined)).toBeNull();
  });
});
