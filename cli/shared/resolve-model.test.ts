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

describe("resolveModel: configured but unusable (the README's `model use sonnet`)", () => {
  const s = parseSettings({ models: [{ model: "claude-sonnet-4-5", provider: "anthropic", base_url: "https://api.anthropic.com", api_key_env: "ANTHROPIC_API_KEY" }, { model: "llama3.2", provider: "ollama" }] }, "models.json");
  const c = buildCatalog(s, {}).catalog;
  it("says the model is configured and why it cannot be used, not 'unknown'", () => {
    let msg = "";
    try {
      resolveModel("sonnet", c, s, {});
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).not.toMatch(/Unknown model/);
    expect(msg).toContain("'sonnet' matches a configured model that is not usable now");
    expect(msg).toContain("claude-sonnet-4-5");
    expect(msg).toContain("ANTHROPIC_API_KEY is not set");
    expect(msg).toContain("codex-shim restart");
    expect(resolveModel("sonnet", buildCatalog(s, { ANTHROPIC_API_KEY: "k" }).catalog, s, { ANTHROPIC_API_KEY: "k" })).toBe("claude-sonnet-4-5");
  });
  it("still calls a name that matches nothing unknown", () => {
    expect(() => resolveModel("gemini", c, s, {})).toThrow(/Unknown model 'gemini'/);
  });
});

describe("resolveModel: the auto-router", () => {
  const withRouter = (enabled: boolean, candidates: string[]) => parseSettings({ models: [{ model: "claude-sonnet-4-5", slug: "sonnet", provider: "anthropic", base_url: "https://api.anthropic.com/v1", api_key: "k1" }, { model: "claude-opus-4-1", slug: "opus", provider: "anthropic", base_url: "https://api.anthropic.com/v1", api_key_env: "NO_SUCH_KEY_VAR" }], router: { enabled, candidates } }, null);
  it("codex-auto is the first catalog entry and the default while active", () => {
    const s = withRouter(true, ["sonnet", "opus"]);
    const c = buildCatalog(s, env).catalog;
    expect(c.models[0]).toMatchObject({ slug: "codex-auto", priority: 0, context_window: 200_000 });
    expect(resolveModel("codex-auto", c, s, env)).toBe("codex-auto");
    expect(defaultModel(c, undefined)).toBe("codex-auto");
  });
  it("says why it cannot be used when it is not active", () => {
    const off = withRouter(false, ["sonnet"]);
    expect(() => resolveModel("codex-auto", buildCatalog(off, env).catalog, off, env)).toThrow(/not active now: set "enabled": true/);
    const keyless = withRouter(true, ["opus"]);
    expect(buildCatalog(keyless, env).catalog.models.map((m) => (m as { slug: string }).slug)).not.toContain("codex-auto");
    expect(() => resolveModel("codex-auto", buildCatalog(keyless, env).catalog, keyless, env)).toThrow(/none of its candidates is usable/);
    expect(() => resolveModel("codex-auto", buildCatalog(withRouter(true, ["sonnet"]), { CODEX_SHIM_DISABLE_ROUTER: "1" }).catalog, withRouter(true, ["sonnet"]), { CODEX_SHIM_DISABLE_ROUTER: "1" })).toThrow(/CODEX_SHIM_DISABLE_ROUTER is set/);
  });
});
