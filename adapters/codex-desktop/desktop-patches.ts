/**
 * The two edits that make Codex Desktop show custom catalog models (reference-behavior §2.11),
 * matched by pattern rather than by exact minified text so that renamed identifiers and added
 * parameters in a new Desktop build still match. Texts are latin1 strings (one char per byte):
 * the needles are ASCII, so every byte outside the match is written back unchanged.
 */

export interface DesktopPatch {
  id: string;
  /** What the user reads: "Patched Codex Desktop <label>." */
  label: string;
  /** File globs inside app.asar, in tiers: a later tier is searched only when an earlier one has no match. */
  tiers: string[][];
  /** Global regex; every match is one place to patch. */
  needle: RegExp;
  replace: (match: RegExpExecArray) => string;
  /** Global regex for the patched form. */
  applied: RegExp;
}

const ID = "[A-Za-z_$][\\w$]*";

/** Marks our edit in the code, so "already applied" is recognised exactly. */
export const PICKER_MARKER = "/*codex-shim:picker-allowlist-off*/";

/**
 * Desktop hides models that are not on ChatGPT's server-side allowlist unless a hidden-models
 * flag is set: `let u=c.useHiddenModels&&o!==`amazonBedrock`,d;` (or `s=i&&e!==…;`). Setting
 * the value to `!1` (false) turns the allowlist filter off.
 */
export const PICKER_ALLOWLIST_PATCH: DesktopPatch = {
  id: "picker-allowlist",
  label: "model picker allowlist filter",
  tiers: [["webview/assets/models-and-reasoning-efforts-*.js", "webview/assets/model-queries-*.js"], ["webview/assets/*.js"]],
  needle: new RegExp(`(?<![\\w$.])((?:let |const |var )?${ID})=(?:${ID}\\.useHiddenModels|${ID})&&${ID}!==([\`'"])amazonBedrock\\2([,;])`, "g"),
  replace: (m) => `${m[1]}=${PICKER_MARKER}!1${m[3]}`,
  applied: new RegExp(`(?<![\\w$.])(?:let |const |var )?${ID}=${PICKER_MARKER.replace(/[*/]/g, "\\$&")}!1[,;]`, "g"),
};

/**
 * In shim mode the sidebar lists only threads of the current provider: `listRecentThreads`
 * sends `modelProviders:null`. `[]` means "all providers". Only `modelProviders` changes; the
 * method's other parameters (e.g. `useStateDbOnly`, which the original's patch dropped) stay.
 */
export const SIDEBAR_PROVIDER_PATCH: DesktopPatch = {
  id: "sidebar-providers",
  label: "shim-mode sidebar provider filter",
  tiers: [["webview/assets/app-server-manager-signals-*.js"], ["webview/assets/*.js"]],
  // `modelProviders` must sit in the first object literal of the method's `return`; no brace may
  // come between, so a match can never run on into the next method (minified classes have no `;`)
  needle: /(listRecentThreads\([^()]{0,300}\)\{return [^{}]{0,400}\{[^{}]{0,600}?modelProviders:)null/g,
  replace: (m) => `${m[1]}[]`,
  applied: /listRecentThreads\([^()]{0,300}\)\{return [^{}]{0,400}\{[^{}]{0,600}?modelProviders:\[\]/g,
};

export const DESKTOP_PATCHES = [PICKER_ALLOWLIST_PATCH, SIDEBAR_PROVIDER_PATCH];

/** `*` matches within one path segment. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
}

export type PatchPlan =
  | { status: "patch"; file: string; text: string }
  | { status: "applied"; file: string }
  | { status: "missing"; globs: string[] }
  | { status: "ambiguous"; matches: { file: string; count: number }[] };

const count = (re: RegExp, text: string) => text.match(re)?.length ?? 0;

/**
 * Where and how to apply `patch` to `files` (path → latin1 text, archive order): the needle
 * must match exactly once within the first tier that has a match; no match but the patched form
 * present means already applied.
 */
export function planPatch(patch: DesktopPatch, files: Map<string, string>): PatchPlan {
  const searched: string[] = [];
  for (const tier of patch.tiers) {
    searched.push(...tier);
    const res = tier.map(globToRegExp);
    const inTier = [...files.keys()].filter((p) => res.some((r) => r.test(p)));
    const hits = inTier.map((file) => ({ file, count: count(patch.needle, files.get(file)!) })).filter((h) => h.count > 0);
    const total = hits.reduce((n, h) => n + h.count, 0);
    if (total > 1) return { status: "ambiguous", matches: hits };
    if (total === 1) {
      const file = hits[0].file;
      const text = files.get(file)!;
      const re = new RegExp(patch.needle.source, patch.needle.flags);
      const m = re.exec(text)!;
      return { status: "patch", file, text: text.slice(0, m.index) + patch.replace(m) + text.slice(m.index + m[0].length) };
    }
    const done = inTier.find((file) => count(patch.applied, files.get(file)!) > 0);
    if (done) return { status: "applied", file: done };
  }
  return { status: "missing", globs: [...new Set(searched)] };
}

/** The archive paths any patch may look at. */
export function candidatePaths(paths: string[]): string[] {
  const res = DESKTOP_PATCHES.flatMap((p) => p.tiers.flat()).map(globToRegExp);
  return paths.filter((p) => res.some((r) => r.test(p)));
}
