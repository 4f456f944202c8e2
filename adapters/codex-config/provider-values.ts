/** The provider id codex-shim registers in Codex's config (`[model_providers.codex_shim]`). */
export const PROVIDER_ID = "codex_shim";

/** `[model_providers.codex_shim]`: only keys `codex exec --strict-config` accepts (codex-protocol §9). */
export interface ShimProviderTable {
  name: string;
  base_url: string;
  wire_api: "responses";
  request_max_retries: number;
  stream_max_retries: number;
  stream_idle_timeout_ms: number;
  supports_websockets: boolean;
}

/** What codex-shim sets in Codex's config, as data. */
export interface ShimCodexSettings {
  /** Top-level `model`. */
  model: string;
  /** Absolute path of the generated catalog (`model_catalog_json`). */
  catalogPath: string;
  provider: ShimProviderTable;
}

export function shimBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}/v1`;
}

/**
 * `websockets` is the settings file's `"websockets"` (default on): Codex then opens one WebSocket
 * per session and sends only the new items each turn; the shim rebuilds the whole conversation for
 * the stateless upstream from the connection's cache (docs/responses-api.md).
 */
export function shimProviderTable(port: number, opts: { name?: string; websockets?: boolean } = {}): ShimProviderTable {
  return {
    name: opts.name ?? "Codex Shim",
    base_url: shimBaseUrl(port),
    wire_api: "responses",
    // The shim already bounds each upstream call; a few retries cover a daemon restart.
    request_max_retries: 3,
    stream_max_retries: 3,
    // Reasoning upstreams can think for minutes; the shim sends keep-alive events meanwhile.
    stream_idle_timeout_ms: 600_000,
    supports_websockets: opts.websockets ?? true,
  };
}

/**
 * A TOML basic string. JSON string escapes (`\"`, `\\`, `\n`, `\uXXXX`) are all valid TOML
 * escapes, so JSON.stringify yields a correct TOML string (Windows paths included).
 */
export function tomlString(v: string): string {
  return JSON.stringify(v);
}

export function tomlValue(v: string | number | boolean): string {
  return typeof v === "string" ? tomlString(v) : String(v);
}

/** The top-level key/value lines (`model`, `model_provider`, `model_catalog_json`). */
export function topLevelEntries(s: ShimCodexSettings): [string, string][] {
  return [
    ["model", tomlString(s.model)],
    ["model_provider", tomlString(PROVIDER_ID)],
    ["model_catalog_json", tomlString(s.catalogPath)],
  ];
}

export function providerEntries(p: ShimProviderTable): [string, string][] {
  return Object.entries(p).map(([k, v]) => [k, tomlValue(v as string | number | boolean)]);
}

/** `codex -c key=value` overrides for the same settings (no config file written). */
export function codexConfigOverrides(s: ShimCodexSettings): string[] {
  const pairs = [...topLevelEntries(s), ...providerEntries(s.provider).map(([k, v]) => [`model_providers.${PROVIDER_ID}.${k}`, v] as [string, string])];
  return pairs.flatMap(([k, v]) => ["-c", `${k}=${v}`]);
}
