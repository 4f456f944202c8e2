import type { ServerContext } from "../server-context.ts";
import type { ConfigResult } from "../../machines/config.machine.ts";
import { codexConfigFile, configBackupDir } from "../../adapters/codex-config/config-paths.ts";
import { runConfigEdit } from "../../machines/run-config-edit.ts";
import { shimProviderTable } from "../../adapters/codex-config/provider-values.ts";
import { writeGeneratedFiles } from "../../adapters/codex-catalog/write-generated-files.ts";
import { passthroughCatalogEntries } from "../../adapters/codex-catalog/passthrough-catalog-entries.ts";
import { entryInfo } from "../../adapters/codex-catalog/build-catalog.ts";
import { stateDir } from "../../adapters/settings/state-paths.ts";
import type { PickerModel } from "./picker-models.ts";

export interface SwitchOutcome {
  ok: boolean;
  status: number;
  error?: string;
  config?: ConfigResult;
}

/**
 * Makes `model` Codex's model: regenerates the catalog (so `model_catalog_json` lists it), then
 * runs the config machine's `enable` on $CODEX_HOME/config.toml with the model's display name as
 * the provider `name` (Codex Desktop shows that name). Same write path as `codex-shim model use`:
 * verified, backed up, atomic, and `codex-shim disable` still restores the file byte for byte.
 */
export async function switchModel(ctx: ServerContext, model: PickerModel): Promise<SwitchOutcome> {
  const dir = stateDir(ctx.env);
  const passthrough = await passthroughCatalogEntries(ctx.env, { cursorWaitMs: 2_000 }).catch(() => []);
  const files = writeGeneratedFiles({ stateDir: dir, settings: ctx.store.current, port: ctx.port, env: ctx.env, passthrough });
  if (!files.catalog.models.some((e) => entryInfo(e).slug === model.slug))
    return { ok: false, status: 409, error: `${model.slug} is not in the generated catalog ${files.catalogPath}, so Codex could not use it; config.toml was not changed.` };
  const provider = shimProviderTable(ctx.port, { name: model.display_name, websockets: ctx.store.current.websockets !== false });
  const r = await runConfigEdit(codexConfigFile(ctx.env), { kind: "enable", settings: { model: model.slug, catalogPath: files.catalogPath, provider } }, configBackupDir(ctx.env));
  if (r.failure) return { ok: false, status: 500, error: r.failure, config: r };
  return { ok: true, status: 200, config: r };
}

/** Runs switches one after another: two clicks in a row must not interleave their read-plan-write. */
export function serialized<A extends unknown[], R>(fn: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (...a) => {
    const run = tail.then(() => fn(...a));
    tail = run.catch(() => {});
    return run;
  };
}
