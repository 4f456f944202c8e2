import { array, boolean, number, object, optional, refine, string, union, literal } from "superstruct";
import type { ModelConfig, RouterCandidate, RouterSettings } from "./settings-types.ts";
import { fmtPath, nonEmpty, normalizeKeys, suggest, validateInto, type Path } from "./settings-validation.ts";

export const ROUTER_DEFAULT_SLUG = "codex-auto";
export const ROUTER_DEFAULT_DISPLAY_NAME = "Auto (smart routing)";
export const HEURISTIC_CLASSIFIER = "heuristic";

const ROUTER_ALIASES: Record<string, string[]> = {
  enabled: ["enabled"],
  slug: ["slug", "id"],
  display_name: ["display_name", "displayName", "name"],
  classifier: ["classifier"],
  threshold: ["threshold"],
  default: ["default"],
  cache: ["cache"],
  timeout: ["timeout"],
  max_tokens: ["max_tokens", "maxTokens"],
  candidates: ["candidates"],
};
const CANDIDATE_ALIASES: Record<string, string[]> = {
  slug: ["slug", "id"],
  cost: ["cost"],
  card: ["card"],
  supports_images: ["supports_images", "supportsImages"],
};

const unit = refine(number(), "unit", (v) => (v >= 0 && v <= 1) || `expected a number between 0 and 1, got ${v}`);
const seconds = refine(number(), "seconds", (v) => (v > 0 && v <= 600) || `expected seconds between 0 and 600 (e.g. 12), got ${v}`);
const tokens = refine(number(), "tokens", (v) => (Number.isInteger(v) && v >= 16 && v <= 32_000) || `expected an integer between 16 and 32000, got ${v}`);
const cost = refine(number(), "cost", (v) => (Number.isFinite(v) && v >= 0) || `expected a cost of 0 or more, got ${v}`);

const RouterStruct = object({
  enabled: optional(boolean()),
  slug: optional(nonEmpty),
  display_name: optional(nonEmpty),
  classifier: optional(union([nonEmpty, literal(null)])),
  threshold: optional(unit),
  default: optional(union([nonEmpty, literal(null)])),
  cache: optional(boolean()),
  timeout: optional(seconds),
  max_tokens: optional(tokens),
  candidates: optional(array(object({ slug: nonEmpty, cost: optional(cost), card: optional(string()), supports_images: optional(boolean()) }))),
});

/** Slugs served without a settings row (ChatGPT subscription, Cursor); whether they are usable is decided at request time. */
export function isPassthroughLikeSlug(slug: string): boolean {
  return /^(gpt-|codex-|openai-gpt-)/i.test(slug) || /^composer-2[-.]5$/i.test(slug);
}

/** A configured model by slug, else by a unique upstream model name (reference-behavior §3.5). */
function rowFor(models: readonly ModelConfig[], name: string): ModelConfig | undefined {
  const bySlug = models.find((m) => m.slug === name);
  if (bySlug) return bySlug;
  const byModel = models.filter((m) => m.model === name);
  return byModel.length === 1 ? byModel[0] : undefined;
}

function hint(name: string, options: string[]): string {
  const near = suggest(name, options);
  return near ? ` (did you mean "${near}"?)` : "";
}

/**
 * Validates the `router` block against the parsed models. Every problem is one
 * `router.<path>: what was expected` line (the caller prefixes the file). Returns undefined
 * when the block is absent or broken.
 */
export function parseRouterSettings(raw: unknown, models: readonly ModelConfig[], problems: string[]): RouterSettings | undefined {
  if (raw === undefined || raw === null) return undefined;
  const path: Path = ["router"];
  // A broken model row is missing from `models`: do not also report candidates naming it.
  const rowsOk = problems.length === 0;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(`router: expected an object, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const before = problems.length;
  const { value, spelling } = normalizeKeys(raw as Record<string, unknown>, ROUTER_ALIASES, path, problems);
  const candidatesKey = spelling.candidates ?? "candidates";
  if (value.candidates !== undefined && !Array.isArray(value.candidates)) {
    problems.push(`${fmtPath([...path, candidatesKey])}: expected an array of candidate objects ({"slug": …, "cost": …, "card": …}), got ${JSON.stringify(value.candidates)}`);
    return undefined;
  }
  if (Array.isArray(value.candidates)) {
    value.candidates = value.candidates.map((c, i) => {
      if (typeof c === "string") return { slug: c };
      if (!c || typeof c !== "object" || Array.isArray(c)) return c;
      return normalizeKeys(c as Record<string, unknown>, CANDIDATE_ALIASES, [...path, candidatesKey, i], problems).value;
    });
  }
  const parsed = validateInto(value, RouterStruct, path, spelling, problems);
  // Cross-references are checked on what was written even when a type was wrong, so one run
  // reports every problem.
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const slug = text(value.slug) ?? ROUTER_DEFAULT_SLUG;
  const configured = models.map((m) => m.slug);
  if (configured.includes(slug)) problems.push(`${fmtPath([...path, spelling.slug ?? "slug"])}: "${slug}" is already a configured model's slug; the router needs its own (e.g. "${ROUTER_DEFAULT_SLUG}")`);
  const seen: string[] = [];
  (Array.isArray(value.candidates) ? value.candidates : []).forEach((c, i) => {
    const cs = text((c as { slug?: unknown } | null)?.slug);
    if (!cs) return;
    const at = fmtPath([...path, candidatesKey, i, "slug"]);
    if (cs === slug) problems.push(`${at}: "${cs}" is the router's own slug; a candidate must be a real model`);
    else if (seen.includes(cs)) problems.push(`${at}: "${cs}" is listed twice`);
    else if (rowsOk && !configured.includes(cs) && !isPassthroughLikeSlug(cs))
      problems.push(`${at}: "${cs}" is not a configured model slug${hint(cs, configured)}; expected one of ${configured.length ? configured.map((x) => `"${x}"`).join(", ") : "(no models configured)"} or a ChatGPT/Cursor passthrough slug such as "gpt-5.5"`);
    seen.push(cs);
  });
  const classifier = text(value.classifier) ?? null;
  if (rowsOk && classifier && classifier !== HEURISTIC_CLASSIFIER && !rowFor(models, classifier))
    problems.push(`${fmtPath([...path, spelling.classifier ?? "classifier"])}: "${classifier}" is not a configured model${hint(classifier, [...configured, ...models.map((m) => m.model)])}; expected a configured model's slug or model name, or "${HEURISTIC_CLASSIFIER}"`);
  const fallback = text(value.default) ?? null;
  if (fallback && !seen.includes(fallback))
    problems.push(`${fmtPath([...path, spelling.default ?? "default"])}: "${fallback}" is not one of the candidates${hint(fallback, seen)}; expected one of ${seen.map((c) => `"${c}"`).join(", ") || "(no candidates)"}`);
  if (!parsed || problems.length > before) return undefined;

  const candidates: RouterCandidate[] = (parsed.candidates ?? []).map((c) => ({ slug: c.slug.trim(), cost: c.cost ?? 1, card: (c.card ?? "").trim(), supportsImages: c.supports_images ?? false }));
  return {
    enabled: parsed.enabled ?? false,
    slug,
    displayName: parsed.display_name?.trim() ?? ROUTER_DEFAULT_DISPLAY_NAME,
    classifier,
    threshold: parsed.threshold ?? 0.7,
    default: fallback,
    cache: parsed.cache ?? true,
    timeoutMs: Math.round((parsed.timeout ?? 12) * 1000),
    maxTokens: parsed.max_tokens ?? 600,
    candidates,
  };
}
