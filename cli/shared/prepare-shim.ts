import { writeGeneratedFiles, type GeneratedFiles } from "../../adapters/codex-catalog/write-generated-files.ts";
import { entryInfo } from "../../adapters/codex-catalog/build-catalog.ts";
import type { Settings } from "../../adapters/settings/settings-types.ts";
import { passthroughCatalogEntries } from "../../adapters/codex-catalog/passthrough-catalog-entries.ts";
import { managedModelIn } from "../../adapters/codex-config/config-paths.ts";
import { shimProviderTable, type ShimCodexSettings } from "../../adapters/codex-config/provider-values.ts";
import type { CliOptions } from "./cli-options.ts";
import { loadCliSettings, ADD_MODEL_HINT } from "./load-cli-settings.ts";
import { CliError } from "./cli-error.ts";
import { defaultModel, resolveModel } from "./resolve-model.ts";

export interface PreparedShim {
  settings: Settings;
  files: GeneratedFiles;
}

/** Loads settings and (re)writes the catalog + opt-in config in the state dir. */
export async function prepareShim(o: CliOptions, port: number): Promise<PreparedShim> {
  const settings = loadCliSettings(o);
  const passthrough = await passthroughCatalogEntries(o.env).catch(() => []);
  const files = writeGeneratedFiles({ stateDir: o.stateDir, settings, port, env: o.env, passthrough });
  return { settings, files };
}

/** The model chosen with `model use` (the managed block's `model`), if any. */
export function managedModel(o: CliOptions): string | undefined {
  return managedModelIn(o.codexConfigFile);
}

/** Picks the model (requested, else managed, else default) or explains how to add one. */
export function pickModel(o: CliOptions, p: PreparedShim, requested?: string): string {
  if (requested) return resolveModel(requested, p.files.catalog, p.settings, o.env);
  const m = defaultModel(p.files.catalog, managedModel(o));
  if (m) return m;
  const skipped = p.files.skipped.map((s) => `  ${s.reason}`).join("\n");
  throw new CliError(`No usable codex-shim models.${skipped ? `\n${skipped}` : ""}\n${ADD_MODEL_HINT(o.settings.file)}`);
}

/** The provider `name` is the model's display name: Codex Desktop shows it (as the picker page sets it). */
export function shimSettingsFor(p: PreparedShim, model: string, port: number): ShimCodexSettings {
  const entry = p.files.catalog.models.map(entryInfo).find((e) => e.slug === model);
  return { model, catalogPath: p.files.catalogPath, provider: shimProviderTable(port, { name: entry?.displayName, websockets: p.settings.websockets !== false }) };
}
