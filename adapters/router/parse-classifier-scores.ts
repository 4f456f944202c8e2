/** Scores by candidate slug, each in [0, 1]. */
export type Scores = Record<string, number>;

function scoresFrom(value: unknown, slugs: readonly string[]): Scores | null {
  const s = (value as { scores?: unknown } | null)?.scores;
  if (!s || typeof s !== "object" || Array.isArray(s)) return null;
  const out: Scores = {};
  for (const slug of slugs) {
    const v = (s as Record<string, unknown>)[slug];
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    out[slug] = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
  }
  return out;
}

/** Every balanced `{…}` span, outermost first (string-aware), so prose with stray braces still parses. */
function objectSpans(text: string): string[] {
  const spans: string[] = [];
  for (let start = text.indexOf("{"); start !== -1 && spans.length < 8; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{") depth++;
      else if (ch === "}" && --depth === 0) {
        spans.push(text.slice(start, i + 1));
        break;
      }
    }
  }
  return spans;
}

/**
 * The classifier's answer → scores (reference-behavior §8.2): prose and code fences around the
 * JSON are tolerated, values are clamped to [0, 1], a missing or non-numeric slug scores 0.
 * Unlike the original's first-`}` retry (which could never parse the nested shape), every
 * balanced object is tried. No usable object → null.
 */
export function parseClassifierScores(text: string, slugs: readonly string[]): Scores | null {
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first === -1 || last <= first) return null;
  for (const candidate of [text.slice(first, last + 1), ...objectSpans(text)]) {
    try {
      const out = scoresFrom(JSON.parse(candidate), slugs);
      if (out) return out;
    } catch {
      // try the next span
    }
  }
  return null;
}
