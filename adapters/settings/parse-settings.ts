import { boolean, define, enums, integer, object, optional, record, refine, string } from "superstruct";
import { DEFAULT_TIMEOUTS, PROVIDERS, type ModelConfig, type Provider, type Settings } from "./settings-types.ts";
import { deriveSlugs } from "./derive-slug.ts";
import { fmtPath, nonEmpty, normalizeKeys, unknownSetting, validateInto, type Path } from "./settings-validation.ts";
import { parseRouterSettings } from "./parse-router-settings.ts";
import { parseResponseStoreSettings } from "./parse-response-store-settings.ts";

/** Thrown for a settings file that cannot be used; `problems` holds one line per problem. */
export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.name = "SettingsError";
    this.problems = problems;
  }
}

// canonical snake_case name -> accepted spellings (first is canonical)
const ROW_ALIASES: Record<string, string[]> = {
  model: ["model"],
  provider: ["provider"],
  slug: ["slug"],
  index: ["index"],
  base_url: ["base_url", "baseUrl", "baseURL"],
  display_name: ["display_name", "displayName", "name"],
  api_key: ["api_key", "apiKey", "bearerToken"],
  api_key_env: ["api_key_env", "apiKeyEnv"],
  max_context_limit: ["max_context_limit", "maxContextLimit"],
  max_output_tokens: ["max_output_tokens", "maxOutputTokens"],
  no_image_support: ["no_image_support", "noImageSupport"],
  extra_headers: ["extra_headers", "extraHeaders"],
  timeouts: ["timeouts"],
  prompt_caching: ["prompt_caching", "promptCaching"],
  reasoning: ["reasoning"],
  default_reasoning_effort: ["default_reasoning_effort", "defaultReasoningEffort"],
  description: ["description"],
  stateless: ["stateless"],
  custom_tools: ["custom_tools", "customTools"],
  hosted_tools: ["hosted_tools", "hostedTools"],
  // written by `codex-shim opencode-go refresh`; kept, not used for routing
  generated_by: ["generated_by", "generatedBy"],
  opencode_go_endpoint: ["opencode_go_endpoint", "opencodeGoEndpoint"],
};
const TIMEOUT_ALIASES: Record<string, string[]> = {
  connect_ms: ["connect_ms", "connectMs"],
  headers_ms: ["headers_ms", "headersMs"],
  idle_ms: ["idle_ms", "idleMs"],
};

const httpUrl = refine(string(), "http-url", (v) => {
  const t = v.trim();
  if (/^https?:\/\//i.test(t) && URL.canParse(t)) return true;
  return `expected an http(s) URL, got ${JSON.stringify(v)}`;
});
// One struct (one message) per field: a union would report each of its members' failures.
const got = (v: unknown) => JSON.stringify(v) ?? String(v);
const positiveIntOrNull = define<number | null>("positive-int-or-null", (v) => v === null || (Number.isInteger(v) && (v as number) >= 1) || `expected a positive integer or null, got ${got(v)}`);
const headerValue = define<string | null>("header-value", (v) => v === null || typeof v === "string" || `expected a string (or null to drop the header), got ${got(v)}`);
const ms = define<number>("ms", (v) => (Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 3_600_000) || `expected milliseconds, an integer between 100 and 3600000, got ${got(v)}`);
/** Spellings accepted for a provider besides its own name. */
const PROVIDER_ALIASES: Readonly<Record<string, Provider>> = { responses: "openai-responses" };
const ACCEPTED_PROVIDERS = [...PROVIDERS, "ollama", ...Object.keys(PROVIDER_ALIASES)];
const providerStruct = refine(string(), "provider", (v) =>
  ACCEPTED_PROVIDERS.includes(v.toLowerCase()) || `expected one of ${ACCEPTED_PROVIDERS.map((p) => JSON.stringify(p)).join(", ")}; got ${JSON.stringify(v)}`,
);
const effort = enums(["none", "minimal", "low", "medium", "high", "xhigh"]);

const RowStruct = object({
  model: nonEmpty,
  provider: providerStruct,
  slug: optional(nonEmpty),
  index: optional(integer()),
  base_url: httpUrl,
  display_name: optional(string()),
  api_key: optional(string()),
  api_key_env: optional(nonEmpty),
  max_context_limit: optional(positiveIntOrNull),
  max_output_tokens: optional(positiveIntOrNull),
  no_image_support: optional(boolean()),
  extra_headers: optional(record(string(), headerValue)),
  timeouts: optional(object({ connect_ms: optional(ms), headers_ms: optional(ms), idle_ms: optional(ms) })),
  prompt_caching: optional(boolean()),
  reasoning: optional(boolean()),
  default_reasoning_effort: optional(effort),
  description: optional(string()),
  stateless: optional(boolean()),
  custom_tools: optional(boolean()),
  hosted_tools: optional(boolean()),
  generated_by: optional(string()),
  opencode_go_endpoint: optional(string()),
});

const OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434/v1";

function rowsOf(raw: unknown, problems: string[]): { rows: unknown[]; key: string } {
  if (Array.isArray(raw)) return { rows: raw, key: "" };
  if (raw && typeof raw === "object") {
    const o = raw as Record<string, unknown>;
    const allowedTop = ["models", "customModels", "launchModels", "launch_models", "router", "response_store", "websockets", "debug", "$schema"];
    for (const k of Object.keys(o)) {
      if (!allowedTop.includes(k)) problems.push(unknownSetting([k], allowedTop));
    }
    for (const key of ["models", "customModels", "launchModels", "launch_models"]) {
      const v = o[key];
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v)) {
        problems.push(`${key}: expected an array of model rows, got ${typeof v}`);
        return { rows: [], key };
      }
      return { rows: v, key };
    }
    return { rows: [], key: "models" };
  }
  problems.push(`(top level): expected an object with "models" or an array of model rows, got ${JSON.stringify(raw)}`);
  return { rows: [], key: "" };
}

function isOllama(provider: unknown, baseUrl: unknown): boolean {
  if (typeof provider === "string" && provider.toLowerCase() === "ollama") return true;
  // The URL heuristic only applies when no provider was given (the original let it override an
  // explicit provider: reference-behavior §12.2).
  return provider === undefined && typeof baseUrl === "string" && /11434|ollama/i.test(baseUrl);
}

/**
 * Parses the settings JSON value (all shapes of reference-behavior §3) into models.
 * Throws SettingsError listing every problem as `file: path: what was expected`.
 */
export function parseSettings(raw: unknown, file: string | null): Settings {
  const problems: string[] = [];
  const { rows, key } = rowsOf(raw, problems);
  const drafts: Omit<ModelConfig, "slug">[] = [];
  const explicitSlugs: (string | undefined)[] = [];
  rows.forEach((row, i) => {
    const path: Path = key ? [key, i] : [i];
    if (typeof row === "string") {
      if (!row.trim()) {
        problems.push(`${fmtPath(path)}: expected a model name, got an empty string`);
        return;
      }
      drafts.push({
        model: row.trim(),
        provider: "generic-chat-completion-api",
        baseUrl: OLLAMA_DEFAULT_URL,
        displayName: row.trim(),
        noImageSupport: false,
        extraHeaders: {},
        index: i,
        timeouts: { ...DEFAULT_TIMEOUTS },
      });
      explicitSlugs.push(undefined);
      return;
    }
    if (!row || typeof row !== "object" || Array.isArray(row)) {
      problems.push(`${fmtPath(path)}: expected a model object or a model name string, got ${JSON.stringify(row)}`);
      return;
    }
    const before = problems.length;
    const { value, spelling } = normalizeKeys(row as Record<string, unknown>, ROW_ALIASES, path, problems);
    if (value.timeouts && typeof value.timeouts === "object" && !Array.isArray(value.timeouts)) {
      const t = normalizeKeys(value.timeouts as Record<string, unknown>, TIMEOUT_ALIASES, [...path, spelling.timeouts ?? "timeouts"], problems);
      value.timeouts = t.value;
    }
    if (isOllama(value.provider, value.base_url)) {
      value.provider = "generic-chat-completion-api";
      if (value.base_url === undefined) value.base_url = OLLAMA_DEFAULT_URL;
    }
    const parsed = validateInto(value, RowStruct, path, spelling, problems);
    if (!parsed || problems.length > before) return;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.extra_headers ?? {})) if (v !== null) headers[k] = String(v);
    drafts.push({
      model: parsed.model.trim(),
      provider: PROVIDER_ALIASES[parsed.provider.toLowerCase()] ?? (parsed.provider.toLowerCase() as Provider),
      baseUrl: parsed.base_url.trim().replace(/\/+$/, ""),
      displayName: parsed.display_name?.trim() || parsed.model.trim(),
      apiKey: parsed.api_key,
      apiKeyEnv: parsed.api_key_env?.trim(),
      maxContextLimit: parsed.max_context_limit ?? undefined,
      maxOutputTokens: parsed.max_output_tokens ?? undefined,
      noImageSupport: parsed.no_image_support ?? false,
      extraHeaders: headers,
      index: parsed.index ?? i,
      timeouts: {
        connectMs: parsed.timeouts?.connect_ms ?? DEFAULT_TIMEOUTS.connectMs,
        headersMs: parsed.timeouts?.headers_ms ?? DEFAULT_TIMEOUTS.headersMs,
        idleMs: parsed.timeouts?.idle_ms ?? DEFAULT_TIMEOUTS.idleMs,
      },
      promptCaching: parsed.prompt_caching,
      reasoning: parsed.reasoning,
      defaultReasoningEffort: parsed.default_reasoning_effort,
      description: parsed.description,
      stateless: parsed.stateless,
      customTools: parsed.custom_tools,
      hostedTools: parsed.hosted_tools,
    });
    explicitSlugs.push(parsed.slug);
  });

  const slugs = deriveSlugs(drafts.map((d, i) => ({ model: d.model, displayName: d.displayName, slug: explicitSlugs[i], index: d.index })));
  const models = drafts.map((d, i) => ({ ...d, slug: slugs[i] }));
  const rawRouter = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>).router : undefined;
  const router = parseRouterSettings(rawRouter, models, problems);
  const responseStore = raw && typeof raw === "object" && !Array.isArray(raw) ? parseResponseStoreSettings((raw as Record<string, unknown>).response_store, problems) : undefined;
  const debug = parseDebugSettings(raw, problems);

  let websockets: boolean | undefined;
  if (raw && typeof raw === "object" && !Array.isArray(raw) && "websockets" in raw) {
    const w = (raw as Record<string, unknown>).websockets;
    if (typeof w !== "boolean") problems.push(`websockets: expected true or false (WebSocket mode for Codex; default true), got ${JSON.stringify(w)}`);
    else websockets = w;
  }

  if (problems.length) throw new SettingsError(problems.map((p) => (file ? `${file}: ${p}` : p)));
  const settings: Settings = router ? { file, models, router } : { file, models };
  if (responseStore) settings.responseStore = responseStore;
  if (websockets !== undefined) settings.websockets = websockets;
  if (debug) settings.debug = debug;
  return settings;
}

const DEBUG_ALIASES: Record<string, string[]> = { capture: ["capture"] };
const DebugStruct = object({ capture: optional(boolean()) });

/** `"debug": {"capture": true}`: the flow inspector's translation capture (off by default). */
function parseDebugSettings(raw: unknown, problems: string[]): Settings["debug"] {
  if (!raw || typeof raw !== "object" || Array.isArray(raw) || !("debug" in raw)) return undefined;
  const d = (raw as Record<string, unknown>).debug;
  if (d === null || d === undefined) return undefined;
  if (typeof d !== "object" || Array.isArray(d)) {
    problems.push(`debug: expected an object like {"capture": true}, got ${JSON.stringify(d)}`);
    return undefined;
  }
  const { value, spelling } = normalizeKeys(d as Record<string, unknown>, DEBUG_ALIASES, ["debug"], problems);
  const parsed = validateInto(value, DebugStruct, ["debug"], spelling, problems);
  return parsed?.capture === undefined ? {} : { capture: parsed.capture };
}
