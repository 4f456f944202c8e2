import type { ServerContext } from "../server-context.ts";
import { modelsBody } from "../routes/models.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { buildCatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";
import { codexConfigFile, managedModelIn } from "../../adapters/codex-config/config-paths.ts";

/** One row of `GET /api/models` (and of the picker page). Never carries a key. */
export interface PickerModel {
  slug: string;
  display_name: string;
  /** `auto`, `chatgpt`, `cursor`, or the settings row's provider (`openai`, `anthropic`, …). */
  provider: string;
  active: boolean;
  usable: boolean;
  /** Why it is not usable (e.g. which key variable to set). */
  reason?: string;
  description?: string;
  context_window?: number;
  images: boolean;
  reasoning_levels: string[];
  default_reasoning_level?: string;
}

/** The model the managed block of config.toml selects (not any `model =` line: the original's bug). */
export function activeModel(env: NodeJS.ProcessEnv): string | undefined {
  return managedModelIn(codexConfigFile(env));
}

function providerOf(owner: string | undefined): string {
  if (!owner) return "codex-shim";
  if (/auto/.test(owner)) return "auto";
  return owner;
}

function fromEntry(e: Record<string, unknown>, provider: string): Omit<PickerModel, "active"> {
  const levels = Array.isArray(e.supported_reasoning_levels) ? e.supported_reasoning_levels : [];
  const modalities = Array.isArray(e.input_modalities) ? e.input_modalities : ["text", "image"];
  return {
    slug: String(e.slug),
    display_name: String(e.display_name ?? e.slug),
    provider,
    usable: true,
    ...(typeof e.description === "string" ? { description: e.description } : {}),
    ...(typeof e.context_window === "number" ? { context_window: e.context_window } : {}),
    images: modalities.includes("image"),
    reasoning_levels: levels.map((l) => (typeof l === "string" ? l : String((l as { effort?: unknown }).effort ?? ""))).filter(Boolean),
    ...(typeof e.default_reasoning_level === "string" ? { default_reasoning_level: e.default_reasoning_level } : {}),
  };
}

/**
 * Every model the shim serves now (exactly the `/v1/models` list, so passthroughs and the
 * auto-router's entry come along), then the configured models that are not usable, with why.
 * An `auto` entry comes first.
 */
export async function listPickerModels(ctx: ServerContext): Promise<PickerModel[]> {
  const body = await modelsBody(ctx);
  const owners = new Map(body.data.map((d) => [d.id, d.owned_by]));
  const rows = new Map(ctx.store.current.models.map((m) => [m.slug, m]));
  const active = activeModel(ctx.env);
  const routerSlug = ctx.store.current.router?.slug;
  const usable = body.models.map((e) => {
    const r = e as Record<string, unknown>;
    const slug = String(r.slug);
    return fromEntry(r, slug === routerSlug ? "auto" : (rows.get(slug)?.provider ?? providerOf(owners.get(slug))));
  });
  const listed = new Set(usable.map((m) => m.slug));
  // a usable row missing from the list is shadowed by a passthrough with its slug: not shown twice
  const unusable = ctx.store.current.models.flatMap((m) => {
    const k = keyStatus(m, ctx.env);
    if (listed.has(m.slug) || k.usable) return [];
    return [{ ...fromEntry(buildCatalogEntry(m) as unknown as Record<string, unknown>, m.provider), usable: false, reason: k.reason ?? "not usable now" }];
  });
  const all = [...usable.filter((m) => m.provider === "auto"), ...usable.filter((m) => m.provider !== "auto"), ...unusable];
  return all.map((m) => ({ ...m, active: m.slug === active }));
}
