import { parseTOML } from "confbox";
import { removeManagedConfig } from "./managed-config.ts";
import { PROVIDER_ID, type ShimCodexSettings } from "./provider-values.ts";

export class ConfigParseError extends Error {}

type Table = Record<string, unknown>;

/** confbox's tables are not plain objects, so compare their JSON form (key order included). */
function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Parses config.toml text; the error names the file and keeps the parser's line excerpt. */
export function parseCodexConfig(text: string, file: string): Table {
  if (!text.trim()) return {};
  try {
    return parseTOML(text.replace(/^\uFEFF/, "")) as Table;
  } catch (e) {
    throw new ConfigParseError(`${file} is not valid TOML, so codex-shim left it untouched.\n${(e as Error).message.trim()}\nFix the file (or move it away), then run the command again.`);
  }
}

function withoutShim(t: Table): Table {
  const copy: Table = { ...t };
  delete copy.model;
  delete copy.model_provider;
  delete copy.model_catalog_json;
  const providers = copy.model_providers as Table | undefined;
  if (providers && typeof providers === "object") {
    const rest = { ...providers };
    delete rest[PROVIDER_ID];
    if (Object.keys(rest).length) copy.model_providers = rest;
    else delete copy.model_providers;
  }
  return copy;
}

/**
 * Checks an edited config before it replaces the original: it parses, the shim's values took
 * effect at the top level (not swallowed by a table), every other setting is unchanged, and
 * removing the managed blocks again gives back the user's text exactly.
 * Returns the list of problems (empty = good).
 */
export function verifyInstalled(before: string, after: string, s: ShimCodexSettings, file: string): string[] {
  const problems: string[] = [];
  let parsed: Table;
  try {
    parsed = parseCodexConfig(after, file);
  } catch (e) {
    return [`the edited config would not parse: ${(e as Error).message}`];
  }
  const expectTop: [string, unknown][] = [
    ["model", s.model],
    ["model_provider", PROVIDER_ID],
    ["model_catalog_json", s.catalogPath],
  ];
  for (const [k, v] of expectTop) if (parsed[k] !== v) problems.push(`top-level ${k} would be ${JSON.stringify(parsed[k])}, expected ${JSON.stringify(v)}`);
  const table = (parsed.model_providers as Table | undefined)?.[PROVIDER_ID];
  if (!sameData(table, s.provider)) problems.push(`[model_providers.${PROVIDER_ID}] would be ${JSON.stringify(table)}, expected ${JSON.stringify(s.provider)}`);
  const original = removeManagedConfig(before);
  const originalParsed = parseCodexConfig(original, file);
  if (!sameData(withoutShim(parsed), withoutShim(originalParsed))) problems.push("other settings would change (this is a codex-shim bug; nothing was written)");
  if (removeManagedConfig(after) !== original) problems.push("`codex-shim disable` would not restore the file byte for byte (this is a codex-shim bug; nothing was written)");
  return problems;
}

/** Checks a restored config: it parses when the managed one did, and no managed block is left. */
export function verifyRemoved(after: string, file: string): string[] {
  try {
    parseCodexConfig(after, file);
  } catch (e) {
    return [`the restored config would not parse: ${(e as Error).message}`];
  }
  return [];
}
