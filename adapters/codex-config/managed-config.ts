import { scanTomlLines, splitLines, type TomlLine } from "./scan-toml-lines.ts";
import { PROVIDER_ID, providerEntries, topLevelEntries, type ShimCodexSettings } from "./provider-values.ts";

/**
 * Edits Codex's config.toml through two marked blocks so that removing them gives back the
 * user's file byte for byte:
 *  - a `top` block at the very top with `model`, `model_provider`, `model_catalog_json`
 *    (TOML binds keys after a `[table]` header to that table, so they cannot go at the end);
 *  - a `tables` block at the end with `[model_providers.codex_shim]`.
 * A user's own top-level `model`/`model_provider`/`model_catalog_json` lines, and any
 * `model_providers.codex_shim` definition of theirs, are commented out in place with the
 * DISPLACED prefix and uncommented on removal, so their position, spacing and line endings survive.
 * Each block records in a `meta` line the separator text it added around itself.
 */

export const TOP_BEGIN = "# >>> codex-shim managed (top) >>>";
export const TOP_END = "# <<< codex-shim managed (top) <<<";
export const TABLES_BEGIN = "# >>> codex-shim managed (tables) >>>";
export const TABLES_END = "# <<< codex-shim managed (tables) <<<";
export const DISPLACED = "# codex-shim displaced: ";
const META = "# codex-shim meta = ";
const NOTE = "# Managed by codex-shim: `codex-shim disable` removes this block and restores your settings.";
/** The Python original's markers (reference-behavior §2.6); removed on sight. */
export const LEGACY_BEGIN = "# >>> codex-shim managed >>>";
export const LEGACY_END = "# <<< codex-shim managed <<<";
const LEGACY_PREVIOUS = "# codex-shim previous-top-level = ";

export const MANAGED_TOP_LEVEL_KEYS = ["model", "model_provider", "model_catalog_json"] as const;

export class ManagedConfigError extends Error {}

interface TopMeta {
  /** Text inserted after the block (a blank line), removed with it. */
  after: string;
  /** The file did not exist before `enable`: `disable` deletes it again. */
  created?: boolean;
}
interface TablesMeta {
  /** Text inserted before the block (line end and blank line), removed with it. */
  before: string;
}

/** The line ending to use for new lines: the file's first one, LF for an empty file. */
export function detectEol(text: string): "\n" | "\r\n" {
  const nl = text.indexOf("\n");
  return nl > 0 && text[nl - 1] === "\r" ? "\r\n" : "\n";
}

function isDisplacedTarget(l: TomlLine, rootRegion: boolean): boolean {
  const p = l.path;
  if (!p) return false;
  if (l.kind === "header") return p[0] === "model_providers" && p[1] === PROVIDER_ID;
  if (p[0] === "model_providers" && p[1] === PROVIDER_ID) return true;
  return rootRegion && p.length === 1 && (MANAGED_TOP_LEVEL_KEYS as readonly string[]).includes(p[0]);
}

/** Comments out the user's lines that would clash with the managed blocks. */
function displaceClashingLines(text: string): string {
  const lines = scanTomlLines(text);
  const displaced = new Set<number>();
  let root = true;
  let inShimTable = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.kind === "header") {
      root = false;
      inShimTable = isDisplacedTarget(l, false);
      if (inShimTable) displaced.add(i);
      continue;
    }
    if (l.kind === "key" && (inShimTable || isDisplacedTarget(l, root))) {
      for (let j = i; j <= (l.lastLine ?? i); j++) displaced.add(j);
    }
  }
  if (!displaced.size) return text;
  return lines.map((l, i) => (displaced.has(i) ? DISPLACED + l.text : l.text) + l.eol).join("");
}

/** Removes every block between `begin` and `end` markers; returns the text and the blocks' meta lines. */
function cutBlocks(text: string, begin: string, end: string, what: string): { text: string; cuts: { at: number; meta: string | null; body: string[] }[] } {
  const lines = splitLines(text);
  const kept: { text: string; eol: string }[] = [];
  const cuts: { at: number; meta: string | null; body: string[] }[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].text.trimEnd() !== begin) {
      kept.push(lines[i]);
      offset += lines[i].text.length + lines[i].eol.length;
      continue;
    }
    let j = i + 1;
    while (j < lines.length && lines[j].text.trimEnd() !== end) j++;
    if (j >= lines.length)
      throw new ManagedConfigError(
        `line ${i + 1} opens a codex-shim ${what} block ("${begin}") that is never closed. ` +
          `Add the line "${end}" where the block ends (or delete the block), then run the command again.`,
      );
    const body = lines.slice(i + 1, j).map((l) => l.text);
    const metaLine = body.find((b) => b.startsWith(META) || b.startsWith(LEGACY_PREVIOUS));
    cuts.push({ at: offset, meta: metaLine ?? null, body });
    i = j;
  }
  return { text: kept.map((l) => l.text + l.eol).join(""), cuts };
}

function parseMeta<T>(line: string | null, fallback: T): T {
  if (!line?.startsWith(META)) return fallback;
  try {
    return { ...fallback, ...(JSON.parse(line.slice(META.length)) as T) };
  } catch {
    return fallback;
  }
}

/**
 * Gives back the user's file: drops the managed blocks with the separators they added and
 * uncomments displaced lines. A file without managed blocks comes back unchanged.
 */
export function removeManagedConfig(text: string): string {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  return bom + removeBlocks(text.slice(bom.length));
}

function removeBlocks(text: string): string {
  let out = text;
  // top blocks: remove the separator recorded after each
  {
    const { text: rest, cuts } = cutBlocks(out, TOP_BEGIN, TOP_END, "top");
    out = rest;
    for (const c of [...cuts].reverse()) {
      const { after } = parseMeta<TopMeta>(c.meta, { after: "" });
      if (after && out.startsWith(after, c.at)) out = out.slice(0, c.at) + out.slice(c.at + after.length);
    }
  }
  {
    const { text: rest, cuts } = cutBlocks(out, TABLES_BEGIN, TABLES_END, "tables");
    out = rest;
    for (const c of [...cuts].reverse()) {
      const { before } = parseMeta<TablesMeta>(c.meta, { before: "" });
      if (before && c.at >= before.length && out.slice(c.at - before.length, c.at) === before) out = out.slice(0, c.at - before.length) + out.slice(c.at);
    }
  }
  out = removeLegacyBlocks(out);
  const lines = splitLines(out);
  if (!lines.some((l) => l.text.startsWith(DISPLACED))) return out;
  return lines.map((l) => (l.text.startsWith(DISPLACED) ? l.text.slice(DISPLACED.length) : l.text) + l.eol).join("");
}

/**
 * Blocks written by the Python original: it moved the user's top-level keys into a
 * `previous-top-level` JSON comment. Put those lines back at the top when the key is not set.
 */
function removeLegacyBlocks(text: string): string {
  if (!text.includes(LEGACY_BEGIN)) return text;
  const { text: rest, cuts } = cutBlocks(text, LEGACY_BEGIN, LEGACY_END, "legacy");
  const previous: Record<string, string> = {};
  for (const c of cuts) {
    if (!c.meta?.startsWith(LEGACY_PREVIOUS)) continue;
    try {
      Object.assign(previous, JSON.parse(c.meta.slice(LEGACY_PREVIOUS.length)));
    } catch {}
  }
  const present = new Set(topLevelKeysOf(rest));
  const eol = detectEol(rest);
  const restore = MANAGED_TOP_LEVEL_KEYS.filter((k) => typeof previous[k] === "string" && !present.has(k)).map((k) => previous[k] + eol);
  const body = rest.replace(/^(?:\r?\n)+/, "");
  return restore.join("") + body;
}

function topLevelKeysOf(text: string): string[] {
  const keys: string[] = [];
  for (const l of scanTomlLines(text)) {
    if (l.kind === "header") break;
    if (l.kind === "key" && l.path?.length === 1) keys.push(l.path[0]);
  }
  return keys;
}

/**
 * Installs (or refreshes) the managed blocks. The input may already contain them: they are
 * removed first, so installing twice gives the same bytes as installing once.
 */
export function installManagedConfig(text: string, s: ShimCodexSettings, opts: { created?: boolean } = {}): string {
  const created = opts.created || createdByShim(text);
  const original = removeManagedConfig(text);
  const eol = detectEol(original);
  const bom = original.startsWith("\uFEFF") ? "\uFEFF" : "";
  const body = displaceClashingLines(original.slice(bom.length));
  const after = body.length ? eol : "";
  const top = [TOP_BEGIN, NOTE, META + JSON.stringify((created ? { after, created } : { after }) satisfies TopMeta), ...topLevelEntries(s).map(([k, v]) => `${k} = ${v}`), TOP_END]
    .map((l) => l + eol)
    .join("");
  let before = "";
  if (body.length) before = body.endsWith("\n") ? eol : eol + eol;
  const tables = [TABLES_BEGIN, META + JSON.stringify({ before } satisfies TablesMeta), `[model_providers.${PROVIDER_ID}]`, ...providerEntries(s.provider).map(([k, v]) => `${k} = ${v}`), TABLES_END]
    .map((l) => l + eol)
    .join("");
  return bom + top + after + body + before + tables;
}

/** Whether `enable` created this file (so `disable` should delete it rather than leave it empty). */
export function createdByShim(text: string): boolean {
  const lines = splitLines(text.replace(/^\uFEFF/, ""));
  const a = lines.findIndex((l) => l.text.trimEnd() === TOP_BEGIN);
  if (a < 0) return false;
  for (let i = a + 1; i < lines.length && lines[i].text.trimEnd() !== TOP_END; i++)
    if (lines[i].text.startsWith(META)) return parseMeta<TopMeta>(lines[i].text, { after: "" }).created === true;
  return false;
}

export interface ManagedState {
  top: boolean;
  tables: boolean;
  legacy: boolean;
  /** `model` inside the managed top block. */
  model?: string;
  catalogPath?: string;
  baseUrl?: string;
  displacedLines: number;
}

/** What the managed blocks currently say (without validating the whole file). */
export function readManagedState(text: string): ManagedState {
  const lines = splitLines(text.replace(/^\uFEFF/, "")).map((l) => l.text.trimEnd());
  const state: ManagedState = {
    top: lines.includes(TOP_BEGIN),
    tables: lines.includes(TABLES_BEGIN),
    legacy: lines.includes(LEGACY_BEGIN),
    displacedLines: lines.filter((l) => l.startsWith(DISPLACED)).length,
  };
  const value = (from: string, to: string, key: string): string | undefined => {
    const a = lines.indexOf(from);
    if (a < 0) return undefined;
    for (let i = a + 1; i < lines.length && lines[i] !== to; i++) {
      const m = new RegExp(`^${key}\\s*=\\s*(".*")\\s*$`).exec(lines[i]);
      if (m) {
        try {
          return JSON.parse(m[1]) as string;
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  };
  state.model = value(TOP_BEGIN, TOP_END, "model") ?? value(LEGACY_BEGIN, LEGACY_END, "model");
  state.catalogPath = value(TOP_BEGIN, TOP_END, "model_catalog_json");
  state.baseUrl = value(TABLES_BEGIN, TABLES_END, "base_url");
  return state;
}
