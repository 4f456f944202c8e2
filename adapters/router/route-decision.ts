import type { Scores } from "./parse-classifier-scores.ts";
import { nextCandidate, type CandidateView } from "./select-candidate.ts";
import { spillSignalOf, type SpillSignal } from "./spill-signal.ts";

/** How a decision was reached. */
export type DecisionSource = "classifier" | "heuristic" | "fallback" | "single" | "cache";

/** What the router does when the chosen model failed before any byte reached the client. */
export interface SpillHooks {
  isCoolingDown(slug: string): boolean;
  /** Skip `slug` for `ms`; remember the new model for the turn; log the spill. */
  onSpill(d: RouteDecision, failed: string, next: string, signal: SpillSignal): void;
}

/**
 * One request's routing decision: the chosen slug and why, and where the request spills to when
 * the chosen model is rate-limited, out of quota, overloaded or too small for the prompt. Lives in
 * the request actor's context; never holds prompt text or keys.
 */
export class RouteDecision {
  readonly requestId: string;
  readonly requested: string;
  slug: string;
  reason: string;
  readonly source: DecisionSource;
  readonly scores?: Scores;
  readonly classifierMs?: number;
  readonly classifierTokens?: { input: number; output: number };
  /** What the decision is cached under (`turn:<thread>:<turn>`, …); contains ids, not text. */
  readonly key: string;
  readonly thread: string | null;
  readonly ranking: readonly string[];
  readonly candidates: readonly CandidateView[];
  readonly hasImages: boolean;
  /** Slugs that already failed for this request. */
  readonly tried: string[] = [];
  /** `cheap rate_limited → mid`, for the summary line. */
  readonly spills: string[] = [];
  private readonly hooks: SpillHooks;

  constructor(o: {
    requestId: string;
    requested: string;
    slug: string;
    reason: string;
    source: DecisionSource;
    scores?: Scores;
    classifierMs?: number;
    classifierTokens?: { input: number; output: number };
    key: string;
    thread: string | null;
    ranking: readonly string[];
    candidates: readonly CandidateView[];
    hasImages: boolean;
    hooks: SpillHooks;
  }) {
    this.requestId = o.requestId;
    this.requested = o.requested;
    this.slug = o.slug;
    this.reason = o.reason;
    this.source = o.source;
    this.scores = o.scores;
    this.classifierMs = o.classifierMs;
    this.classifierTokens = o.classifierTokens;
    this.key = o.key;
    this.thread = o.thread;
    this.ranking = o.ranking;
    this.candidates = o.candidates;
    this.hasImages = o.hasImages;
    this.hooks = o.hooks;
  }

  /** The candidate to try after `failed` answered `error`, or null (no spill: the error stands). Pure. */
  spillTarget(failed: string, error: unknown): string | null {
    const signal = spillSignalOf(error);
    if (!signal) return null;
    return nextCandidate({
      candidates: this.candidates,
      ranking: this.ranking,
      tried: this.tried,
      failed,
      contextOverflow: signal.kind === "context_overflow",
      hasImages: this.hasImages,
      isCoolingDown: (s) => this.hooks.isCoolingDown(s),
    });
  }

  /** Moves the request to the next candidate (see spillTarget) and returns it. */
  spill(failed: string, error: unknown): string | null {
    const next = this.spillTarget(failed, error);
    const signal = spillSignalOf(error);
    if (!next || !signal) return null;
    this.tried.push(failed);
    this.spills.push(`${failed} ${signal.kind} -> ${next}`);
    this.slug = next;
    this.hooks.onSpill(this, failed, next, signal);
    return next;
  }

  /** `classifier: score>=0.70; spilled cheap rate_limited -> mid`: why, for the request's summary line and the flow inspector. */
  why(): string {
    const spilled = this.spills.length ? `; spilled ${this.spills.join(", ")}` : "";
    return `${this.source}: ${this.reason}${spilled}`;
  }
}
