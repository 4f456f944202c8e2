import type { Settings } from "../../adapters/settings/settings-types.ts";
import { entryInfo, type ModelCatalog } from "../../adapters/codex-catalog/build-catalog.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { CliError } from "./cli-error.ts";
import { nearest } from "../../adapters/settings/nearest-word.ts";
import { isTruthyEnv } from "../../adapters/settings/env-flags.ts";

/**
 * Turns what the user typed into a catalog slug: exact slug, else a settings row's upstream
 * `model` name (when unique), else a unique case-insensitive match in slugs/display names.
 * Only models in the catalog (usable now) can be chosen; a keyless model gets its fix.
 */
export function resolveModel(requested: string, catalog: ModelCatalog, settings: Settings, env: NodeJS.ProcessEnv): string {
  const entries = catalog.models.map(entryInfo);
  const slugs = entries.map((e) => e.slug);
  if (slugs.includes(requested)) return requested;
  if (settings.router && requested === settings.router.slug) {
    const why = !settings.router.enabled
      ? 'set "enabled": true in the router block'
      : isTruthyEnv(env.CODEX_SHIM_DISABLE_ROUTER)
        ? "CODEX_SHIM_DISABLE_ROUTER is set"
        : "none of its candidates is usable (see: codex-shim list)";
    throw new CliError(`The auto-router '${requested}' is not active now: ${why}.`);
  }
  const row = settings.models.find((m) => m.slug === requested) ?? (settings.models.filter((m) => m.model === requested).length === 1 ? settings.models.find((m) => m.model === requested) : undefined);
  if (row) {
    if (slugs.includes(row.slug)) return row.slug;
    throw new CliError(`Model '${requested}' cannot be used now. ${keyStatus(row, env).reason ?? ""}`.trim());
  }
  const q = requested.toLowerCase();
  const hits = entries.filter((e) => e.slug.toLowerCase().includes(q) || e.displayName.toLowerCase().includes(q));
  if (hits.length === 1) return hits[0].slug;
  if (hits.length > 1) throw new CliError(`Ambiguous model '${requested}'. Matches: ${hits.map((h) => h.slug).join(", ")}`);
  // Not in the catalog, but maybe configured and unusable (no key): say that, not "unknown".
  const configured = settings.models.filter((m) => [m.slug, m.model, m.displayName].some((x) => x.toLowerCase().includes(q)));
  if (configured.length) {
    const why = configured.map((m) => `  ${m.slug} (${m.displayName}): ${keyStatus(m, env).reason ?? "not usable now"}`).join("\n");
    const vars = [...new Set(configured.map((m) => keyStatus(m, env).env).filter(Boolean))];
    const fix = vars.length ? `Export ${vars.join(", ")} in this shell, then run codex-shim restart (the shim reads keys from the environment it starts in) and this command again.` : "Add its key to the settings file, then run this command again.";
    throw new CliError(`'${requested}' matches ${configured.length === 1 ? "a configured model that is" : "configured models that are"} not usable now:\n${why}\n${fix}`);
  }
  const near = nearest(requested, slugs);
  throw new CliError(
    `Unknown model '${requested}'.${near ? ` Did you mean '${near}'?` : ""} ` + (slugs.length ? `Usable models: ${slugs.join(", ")}. See: codex-shim list` : "No usable models yet: see codex-shim list"),
  );
}

/** The model to use when none is named: the one chosen with `model use` if still usable, else the catalog default. */
export function defaultModel(catalog: ModelCatalog, managed: string | undefined): string | null {
  const entries = catalog.models.map(entryInfo);
  if (managed && entries.some((e) => e.slug === managed)) return managed;
  const sorted = [...entries].sort((a, b) => a.priority - b.priority);
  return sorted[0]?.slug ?? null;
}
