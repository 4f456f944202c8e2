import { refine, string, validate, type Struct, type Failure } from "superstruct";
import { nearest } from "./nearest-word.ts";

// Shared by the settings parsers (rows, router block): alias normalization, typo hints, and
// superstruct failures turned into `path: what was expected` lines.

export type Path = (string | number)[];
export function fmtPath(path: Path): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s || "(top level)";
}

interface NormalizedRow {
  value: Record<string, unknown>;
  /** canonical key -> the spelling the user wrote, for error paths */
  spelling: Record<string, string>;
}

export function normalizeKeys(
  raw: Record<string, unknown>,
  aliases: Record<string, string[]>,
  path: Path,
  problems: string[],
): NormalizedRow {
  const value: Record<string, unknown> = {};
  const spelling: Record<string, string> = {};
  const known = new Map<string, string>();
  for (const [canon, names] of Object.entries(aliases)) for (const n of names) known.set(n, canon);
  for (const [key, v] of Object.entries(raw)) {
    const canon = known.get(key);
    if (!canon) {
      problems.push(unknownSetting([...path, key], [...known.keys()]));
      continue;
    }
    if (canon in value) {
      problems.push(`${fmtPath([...path, key])}: both "${spelling[canon]}" and "${key}" are set; use one`);
      continue;
    }
    value[canon] = v;
    spelling[canon] = key;
  }
  return { value, spelling };
}

/** `path: is not a known setting (typo? did you mean "x"?)`, the hint when the last key is close to one of `known`. */
export function unknownSetting(path: Path, known: string[]): string {
  const hint = suggest(String(path[path.length - 1]), known);
  return `${fmtPath(path)}: is not a known setting (typo?${hint ? ` did you mean "${hint}"?` : ""})`;
}

export const nonEmpty = refine(string(), "non-empty", (v) => v.trim() !== "" || "expected a non-empty string");

export function suggest(key: string, candidates: string[]): string | undefined {
  return nearest(key, candidates) ?? undefined;
}

export function explain(f: Failure): string {
  if (f.refinement && f.message && !f.message.startsWith("Expected")) return f.message;
  // a define()d struct's own message (superstruct's generic ones start with "Expected")
  if (f.value !== undefined && f.message && !f.message.startsWith("Expected")) return f.message;
  if (f.value === undefined) return `is required (${describeType(f.type)})`;
  if (f.type === "never") return "is not a known setting (typo?)";
  if (f.type === "enums") return f.message.replace(/^Expected one of /, "expected one of ").replace(/, but received: (.*)$/, "; got $1");
  if (f.refinement === "min" || f.type === "integer") return `expected a positive integer, got ${JSON.stringify(f.value)}`;
  return `expected ${describeType(f.type)}, got ${JSON.stringify(f.value)}`;
}
function describeType(t: string): string {
  if (t === "string") return "a string";
  if (t === "boolean") return "true or false";
  if (t === "integer") return "an integer";
  if (t === "number") return "a number";
  if (t === "object" || t === "record" || t === "type") return "an object";
  if (t === "union") return "an integer or null";
  return t;
}

export function validateInto<T>(value: unknown, struct: Struct<T>, path: Path, spelling: Record<string, string>, problems: string[]): T | undefined {
  const [err, out] = validate(value, struct);
  if (!err) return out;
  const seen = new Set<string>();
  for (const f of err.failures()) {
    const key = JSON.stringify(f.path);
    if (seen.has(key)) continue; // one message per mistake
    seen.add(key);
    const userPath = f.path.map((p, i) => (i === 0 && typeof p === "string" ? (spelling[p] ?? p) : p));
    problems.push(`${fmtPath([...path, ...userPath])}: ${explain(f)}`);
  }
  return undefined;
}

