import type { RouterCandidate } from "../settings/settings-types.ts";
import type { Scores } from "./parse-classifier-scores.ts";

/** A usable candidate with the context window of the model behind it. */
export interface CandidateView extends RouterCandidate {
  contextWindow: number;
}

export interface SelectionInput {
  /** Usable candidates, in config order. */
  candidates: readonly CandidateView[];
  /** null: no scores (no classifier, classifier failed) → the fallback. */
  scores: Scores | null;
  threshold: number;
  /** The configured `default` candidate. */
  fallback: string | null;
  hasImages: boolean;
  estimatedTokens: number;
  /** The model the thread's previous turn used: wins ties (its prompt cache is warm). */
  previous?: string;
  /** Candidates skipped because they answered 429 / out of quota recently. */
  isCoolingDown?: (slug: string) => boolean;
}

export interface Selection {
  slug: string;
  reason: string;
  /** The winner's score after image zeroing (absent for a fallback). */
  score?: number;
  /** Scores after image zeroing, for the log. */
  effective?: Scores;
  /** Adequate candidates in the order to try them: the winner first, then where to spill. */
  ranking: string[];
}

const fmt = (n: number) => n.toFixed(2);

/** The candidates a request may go to: its estimated size fits, not cooling down (unless all are). */
function eligible(i: SelectionInput): { pool: CandidateView[]; notes: string[] } {
  const notes: string[] = [];
  let pool = i.candidates.filter((c) => c.contextWindow >= i.estimatedTokens);
  if (pool.length < i.candidates.length) notes.push(`${i.candidates.length - pool.length} too small for ~${i.estimatedTokens} tokens`);
  if (!pool.length && i.candidates.length) {
    const widest = Math.max(...i.candidates.map((c) => c.contextWindow));
    pool = i.candidates.filter((c) => c.contextWindow === widest);
    notes.push("none fits; widest window");
  }
  const cool = i.isCoolingDown;
  if (cool) {
    const warm = pool.filter((c) => !cool(c.slug));
    if (warm.length && warm.length < pool.length) notes.push(`skipped rate-limited ${pool.filter((c) => cool(c.slug)).map((c) => c.slug).join(",")}`);
    if (warm.length) pool = warm;
  }
  return { pool, notes };
}

function byCost(prev: string | undefined, score: (c: CandidateView) => number, order: readonly CandidateView[]) {
  return (a: CandidateView, b: CandidateView) =>
    a.cost - b.cost || Number(b.slug === prev) - Number(a.slug === prev) || score(b) - score(a) || order.indexOf(a) - order.indexOf(b);
}

/** Fallback (reference-behavior §8.2): the `default` if adequate, else the cheapest; images need a vision candidate. */
function fallbackOf(i: SelectionInput, pool: CandidateView[], why: string, notes: string[]): Selection | null {
  const usable = i.hasImages ? pool.filter((c) => c.supportsImages) : pool;
  if (!usable.length) return null;
  const sorted = [...usable].sort(byCost(i.previous, () => 0, i.candidates));
  const chosen = sorted.find((c) => c.slug === i.fallback) ?? sorted[0];
  const reason = [why, chosen.slug === i.fallback ? "default" : "cheapest", ...notes].join("; ");
  return { slug: chosen.slug, reason, ranking: [chosen.slug, ...sorted.filter((c) => c !== chosen).map((c) => c.slug)] };
}

/**
 * The cheapest candidate at or above the threshold, else the best score, else the fallback.
 * Images zero every candidate without image support; a candidate whose window is smaller than
 * the request is never chosen; ties go to the previous turn's model, then config order.
 * null only when nothing can serve the request (an image task without a vision candidate).
 */
export function selectCandidate(i: SelectionInput): Selection | null {
  const { pool, notes } = eligible(i);
  if (!pool.length) return null;
  if (!i.scores) return fallbackOf(i, pool, "no scores", notes);
  const effective: Scores = {};
  for (const c of i.candidates) effective[c.slug] = i.hasImages && !c.supportsImages ? 0 : (i.scores[c.slug] ?? 0);
  const score = (c: CandidateView) => effective[c.slug];
  const viable = pool.filter((c) => score(c) >= i.threshold && score(c) > 0).sort(byCost(i.previous, score, i.candidates));
  const rest = pool
    .filter((c) => !viable.includes(c) && score(c) > 0)
    .sort((a, b) => score(b) - score(a) || Number(b.slug === i.previous) - Number(a.slug === i.previous) || i.candidates.indexOf(a) - i.candidates.indexOf(b));
  const ranking = [...viable, ...rest].map((c) => c.slug);
  if (viable.length) {
    const w = viable[0];
    return { slug: w.slug, score: score(w), effective, ranking, reason: [`score>=${fmt(i.threshold)}, cheapest`, ...notes].join("; ") };
  }
  if (rest.length) {
    const w = rest[0];
    return { slug: w.slug, score: score(w), effective, ranking, reason: ["below bar; highest score", ...notes].join("; ") };
  }
  const fb = fallbackOf(i, pool, "no usable score", notes);
  return fb && { ...fb, effective };
}

/**
 * Where a request goes after `failed` could not serve it: the next candidate of the decision's
 * ranking that is not cooling down. For a context overflow only a strictly wider window helps:
 * the cheapest such candidate (images respected), ranked ones first.
 */
export function nextCandidate(o: {
  candidates: readonly CandidateView[];
  ranking: readonly string[];
  tried: readonly string[];
  failed: string;
  contextOverflow: boolean;
  hasImages: boolean;
  isCoolingDown: (slug: string) => boolean;
}): string | null {
  const bySlug = new Map(o.candidates.map((c) => [c.slug, c]));
  const open = (c: CandidateView | undefined): c is CandidateView => !!c && !o.tried.includes(c.slug) && c.slug !== o.failed && (!o.hasImages || c.supportsImages);
  if (o.contextOverflow) {
    const failedWindow = bySlug.get(o.failed)?.contextWindow ?? 0;
    const wider = o.candidates.filter((c) => open(c) && c.contextWindow > failedWindow);
    const ranked = o.ranking.map((s) => bySlug.get(s)).filter((c): c is CandidateView => !!c && wider.includes(c));
    const rest = wider.filter((c) => !ranked.includes(c)).sort((a, b) => a.cost - b.cost);
    return [...ranked, ...rest][0]?.slug ?? null;
  }
  for (const s of o.ranking) {
    const c = bySlug.get(s);
    if (open(c) && !o.isCoolingDown(s)) return s;
  }
  return null;
}
