import { describe, expect, it } from "vitest";
import { parseTOML } from "confbox";
import { installManagedConfig, readManagedState, removeManagedConfig, ManagedConfigError, TOP_BEGIN, TABLES_BEGIN, DISPLACED } from "./managed-config.ts";
import { shimProviderTable, codexConfigOverrides, type ShimCodexSettings } from "./provider-values.ts";
import { verifyInstalled } from "./verify-config.ts";

const settings: ShimCodexSettings = { model: "llama3-2", catalogPath: "/home/u/.codex-shim/custom_model_catalog.json", provider: shimProviderTable(8765) };

const REAL_WORLD: Record<string, string> = {
  empty: "",
  "keys, profiles, MCP servers, comments": `# my codex config
model = "gpt-5.5"   # the default
model_provider = "openai"
model_reasoning_effort = "high"
approval_policy = "on-request"
notify = [
  "notify-send",
  "[codex]",
]

[profiles.dev]
model = "profile-model"
model_provider = "openai"

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]
env = { "API_URL" = "https://x.example" }

[mcp_servers.docs.tools.search]
approval_mode = "approve"

[model_providers.openai-proxy]
name = "proxy"
base_url = "https://proxy.example/v1"
`,
  CRLF: '# windows\r\nmodel = "o3"\r\nsandbox_mode = "workspace-write"\r\n\r\n[features]\r\ngoals = false\r\n',
  "no trailing newline": 'model_catalog_json = "/old/catalog.json"\n[tui]\nnotifications = true',
  "tables only": "[projects.\"/home/u/work\"]\ntrust_level = \"trusted\"\n",
  "multi-line string containing key-like lines": `instructions = """
model = "not a key"
[not.a.table]
"""
model = "x"
`,
  "user's own codex_shim provider": `model_provider = "codex_shim"

[model_providers.codex_shim]
name = "mine"
base_url = "http://127.0.0.1:9999/v1"

[model_providers.codex_shim.http_headers]
X-A = "1"

[other]
k = 1
`,
  "BOM and only comments": "\uFEFF# nothing here yet\n",
  "dotted root key for the provider": 'model_providers.codex_shim.name = "dotted"\napproval_policy = "never"\n',
};

describe("managed config blocks", () => {
  for (const [name, original] of Object.entries(REAL_WORLD)) {
    it(`${name}: install sets the shim at the top level, keeps everything else, and removal restores the bytes`, () => {
      const installed = installManagedConfig(original, settings);
      expect(verifyInstalled(original, installed, settings, "config.toml")).toEqual([]);
      const parsed = parseTOML(installed.replace(/^\uFEFF/, "")) as any;
      expect(parsed.model).toBe("llama3-2");
      expect(parsed.model_provider).toBe("codex_shim");
      expect(parsed.model_catalog_json).toBe(settings.catalogPath);
      expect(parsed.model_providers.codex_shim).toEqual(settings.provider);
      // idempotent: installing again gives the same bytes
      expect(installManagedConfig(installed, settings)).toBe(installed);
      expect(removeManagedConfig(installed)).toBe(original);
      // a different model/port replaces the values and still restores exactly
      const other = installManagedConfig(installed, { ...settings, model: "other", provider: shimProviderTable(9000) });
      expect(readManagedState(other).model).toBe("other");
      expect(removeManagedConfig(other)).toBe(original);
    });
  }

  it("keeps CRLF line endings in the managed blocks", () => {
    const installed = installManagedConfig(REAL_WORLD.CRLF, settings);
    expect(installed.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("puts the top block first (after a BOM) and the tables block last", () => {
    const installed = installManagedConfig(REAL_WORLD["BOM and only comments"], settings);
    expect(installed.startsWith(`\uFEFF${TOP_BEGIN}\n`)).toBe(true);
    expect(installed.lastIndexOf(TABLES_BEGIN)).toBeGreaterThan(installed.indexOf("# nothing here yet"));
  });

  it("comments out displaced user lines in place, including multi-line values", () => {
    const src = 'model = "a"\nmodel_catalog_json = """\n/x.json"""\nother = 1\n';
    const installed = installManagedConfig(src, settings);
    expect(installed).toContain(`${DISPLACED}model = "a"\n`);
    expect(installed).toContain(`${DISPLACED}/x.json"""\n`);
    expect(installed).toContain("\nother = 1\n");
    expect(removeManagedConfig(installed)).toBe(src);
  });

  it("leaves profile keys alone (only root-level keys are displaced)", () => {
    const installed = installManagedConfig(REAL_WORLD["keys, profiles, MCP servers, comments"], settings);
    expect(installed).toContain('[profiles.dev]\nmodel = "profile-model"\nmodel_provider = "openai"\n');
  });

  it("refuses a begin marker without an end marker instead of truncating the file", () => {
    const broken = `${TOP_BEGIN}\nmodel = "x"\n[tui]\nk = 1\n`;
    expect(() => removeManagedConfig(broken)).toThrow(ManagedConfigError);
    expect(() => removeManagedConfig(broken)).toThrow(/line 1 .*never closed/);
  });

  it("removes the Python original's blocks and puts its recorded keys back", () => {
    const legacy = [
      "# >>> codex-shim managed >>>",
      '# codex-shim previous-top-level = {"model": "model = \\"gpt-5.5\\"", "model_provider": "model_provider = \\"openai\\""}',
      'model = "llama3-2"',
      'model_provider = "codex_shim"',
      "# <<< codex-shim managed <<<",
      "",
      "[profiles.dev]",
      'model = "p"',
      "",
      "# >>> codex-shim managed >>>",
      "[model_providers.codex_shim]",
      'name = "x"',
      "# <<< codex-shim managed <<<",
      "",
    ].join("\n");
    const restored = removeManagedConfig(legacy);
    expect(restored.startsWith('model = "gpt-5.5"\nmodel_provider = "openai"\n[profiles.dev]')).toBe(true);
    expect(restored).not.toContain("codex_shim");
  });

  it("reads the managed model, catalog and base URL", () => {
    const st = readManagedState(installManagedConfig("", settings));
    expect(st).toMatchObject({ top: true, tables: true, model: "llama3-2", catalogPath: settings.catalogPath, baseUrl: "http://127.0.0.1:8765/v1" });
    expect(readManagedState('model = "x"\n')).toMatchObject({ top: false, tables: false, model: undefined });
  });

  it("escapes Windows paths and quotes as TOML basic strings", () => {
    const s = { ...settings, catalogPath: 'C:\\Users\\a "b"\\catalog.json' };
    const parsed = parseTOML(installManagedConfig("", s)) as any;
    expect(parsed.model_catalog_json).toBe(s.catalogPath);
  });

  it("builds the same values as -c overrides", () => {
    const args = codexConfigOverrides(settings);
    expect(args.filter((a) => a !== "-c")).toEqual([
      'model="llama3-2"',
      'model_provider="codex_shim"',
      `model_catalog_json="${settings.catalogPath}"`,
      'model_providers.codex_shim.name="Codex Shim"',
      'model_providers.codex_shim.base_url="http://127.0.0.1:8765/v1"',
      'model_providers.codex_shim.wire_api="responses"',
      "model_providers.codex_shim.request_max_retries=3",
      "model_providers.codex_shim.stream_max_retries=3",
      "model_providers.codex_shim.stream_idle_timeout_ms=600000",
      "model_providers.codex_shim.supports_websockets=true",
    ]);
  });
});
