import type { ModelConfig, RouterSettings, Settings } from "../settings/settings-types.ts";
import { isTruthyEnv } from "../settings/env-flags.ts";
import { keyStatus } from "../settings/resolve-api-key.ts";
import { findModel } from "../settings/settings-store.ts";
import { selectRoute } from "../routes/select-route.ts";
import { contextWindowOf } from "../codex-catalog/build-catalog-entry.ts";
import { isCursorSlug } from "../cursor/cursor-env.ts";
import { HEURISTIC_CLASSIFIER } from "../settings/parse-router-settings.ts";
import type { CandidateView } from "./select-candidate.ts";

const CHATGPT_WINDOW = 400_000;
const CURSOR_WINDOW = 272_000;

/** The router block with its env overrides applied (reference-behavior §8.1). */
function effectiveRouterSettings(r: RouterSettings, env: NodeJS.ProcessEnv): RouterSettings {
  const num = (name: string) => {
    const v = env[name]?.trim();
    return v && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : undefined;
  };
  const timeout = num("CODEX_SHIM_ROUTER_TIMEOUT");
  const maxTokens = num("CODEX_SHIM_ROUTER_MAX_TOKENS");
  return {
    ...r,
    enabled: r.enabled && !isTruthyEnv(env.CODEX_SHIM_DISABLE_ROUTER),
    timeoutMs: timeout !== undefined ? Math.round(Math.min(600, timeout) * 1000) : r.timeoutMs,
    maxTokens: maxTokens !== undefined ? Math.floor(maxTokens) : r.maxTokens,
  };
}

/** `CODEX_SHIM_ROUTER_LOG`: unset = one line per decision; `0`/`off` = none; truthy = also cache hits and the classifier's reasoning. */
export function routerLogLevel(env: NodeJS.ProcessEnv): "off" | "decisions" | "verbose" {
  const v = env.CODEX_SHIM_ROUTER_LOG?.trim();
  if (v === undefined || v === "") return "decisions";
  if (/^(0|false|no|off)$/i.test(v)) return "off";
  return isTruthyEnv(v) || /^verbose$/i.test(v) ? "verbose" : "decisions";
}

export type ClassifierChoice = { kind: "model"; model: ModelConfig; apiKey: string } | { kind: "heuristic" } | { kind: "none"; reason: string };

export interface RouterState {
  settings: RouterSettings;
  /** Enabled and at least one usable candidate: only then is it advertised and served. */
  active: boolean;
  usable: CandidateView[];
  unusable: { slug: string; reason: string }[];
}

function candidateWindow(slug: string, settings: Settings, env: NodeJS.ProcessEnv): { window: number } | { reason: string } {
  // the same route selection the request will go through: passthrough slugs first, then the row
  const picked = selectRoute({ endpoint: "responses", slug, request: { model: slug }, settings, env, forwardHeaders: {} });
  if (picked instanceof Error) return { reason: picked.message };
  const row = findModel(settings, slug);
  if (row && picked.model === row) return { window: contextWindowOf(row) };
  return { window: isCursorSlug(slug) ? CURSOR_WINDOW : CHATGPT_WINDOW };
}

/**
 * Which candidates can be served now (reference-behavior §8.1 availability): a settings row with
 * its key, or a passthrough slug that is logged in. `cursorAvailable` (from `cursor-agent status`)
 * hides the Cursor slug when it is known to be logged out.
 */
export function routerState(settings: Settings, env: NodeJS.ProcessEnv, opts: { cursorAvailable?: boolean } = {}): RouterState | null {
  if (!settings.router) return null;
  const r = effectiveRouterSettings(settings.router, env);
  const usable: CandidateView[] = [];
  const unusable: RouterState["unusable"] = [];
  for (const c of r.candidates) {
    if (isCursorSlug(c.slug) && opts.cursorAvailable === false) {
      unusable.push({ slug: c.slug, reason: "cursor-agent is not logged in (or not installed)" });
      continue;
    }
    const w = candidateWindow(c.slug, settings, env);
    if ("window" in w) usable.push({ ...c, contextWindow: w.window });
    else unusable.push({ slug: c.slug, reason: w.reason });
  }
  return { settings: r, active: r.enabled && usable.length > 0, usable, unusable };
}

/** The model that scores candidates: a configured row with its key (chat, Anthropic or native Responses), the heuristic, or none. */
export function classifierChoice(r: RouterSettings, settings: Settings, env: NodeJS.ProcessEnv): ClassifierChoice {
  if (!r.classifier) return { kind: "none", reason: "no classifier configured" };
  if (r.classifier === HEURISTIC_CLASSIFIER) return { kind: "heuristic" };
  const model = findModel(settings, r.classifier);
  if (!model) return { kind: "none", reason: `classifier ${r.classifier} is not configured` };
  const k = keyStatus(model, env);
  if (!k.usable) return { kind: "none", reason: `classifier ${model.slug} has no API key` };
  return { kind: "model", model, apiKey: k.key };
}
