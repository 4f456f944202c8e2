import type { RouterSettings, Settings } from "../settings/settings-types.ts";
import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { Transport } from "../transport/upstream-transport.ts";
import { ShimError } from "../errors/shim-error.ts";
import { redactSecrets } from "../errors/redact-secrets.ts";
import { isCursorSlug } from "../cursor/cursor-env.ts";
import { cursorAvailableWithin } from "../cursor/cursor-status.ts";
import { classifierChoice, routerLogLevel, routerState } from "./router-config.ts";
import { taskSignalOf, type TaskSignal } from "./task-signal.ts";
import { decisionKeyOf, type DecisionKey } from "./decision-key.ts";
import { DecisionCache } from "./decision-cache.ts";
import { selectCandidate, type CandidateView, type Selection } from "./select-candidate.ts";
import { classifierSystemPrompt, classifierUserContent } from "./classifier-prompt.ts";
import { parseClassifierScores, type Scores } from "./parse-classifier-scores.ts";
import { heuristicScores } from "./heuristic-classifier.ts";
import { callClassifier } from "./call-classifier.ts";
import { RouteDecision, type DecisionSource, type SpillHooks } from "./route-decision.ts";
import { formatDecisionLine, formatSpillLine } from "./format-router-log.ts";
import type { ClassifyInput, ClassifyResult } from "./classify-types.ts";

export type { ClassifyInput, ClassifyResult };

interface Scored {
  scores: Scores | null;
  source: DecisionSource;
  why?: string;
  ms?: number;
  tokens?: { input: number; output: number };
  note?: string;
}

/**
 * The auto-router (reference-behavior §8, docs/router.md): for a request naming the router's slug,
 * picks the cheapest candidate that can do the turn, once per Codex turn, and spills to the next
 * candidate when the chosen one is rate-limited or out of quota. Requests for any other slug pass
 * straight through (one string compare).
 */
export class AutoRouter {
  readonly cache: DecisionCache;
  private readonly cooldowns = new Map<string, number>();
  private readonly transport: Transport;
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private readonly hooks: SpillHooks;

  constructor(o: { transport: Transport; env: NodeJS.ProcessEnv; log: (line: string) => void; now?: () => number; cache?: DecisionCache }) {
    this.transport = o.transport;
    this.env = o.env;
    this.log = o.log;
    this.now = o.now ?? Date.now;
    this.cache = o.cache ?? new DecisionCache({ now: this.now });
    this.hooks = {
      isCoolingDown: (slug) => this.isCoolingDown(slug),
      onSpill: (d, failed, next, signal) => {
        if (signal.cooldownMs > 0) this.cooldowns.set(failed, this.now() + signal.cooldownMs);
        const cached = this.cache.get(d.key);
        if (cached) this.cache.set(d.key, { ...cached, slug: next }, d.thread);
        if (routerLogLevel(this.env) !== "off") this.log(formatSpillLine(d, failed, next, signal));
      },
    };
  }

  isCoolingDown(slug: string): boolean {
    const until = this.cooldowns.get(slug);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.cooldowns.delete(slug);
    return false;
  }

  /** Forget every rate-limit skip (tests, the demo). */
  clearCooldowns(): void {
    this.cooldowns.clear();
  }

  /** Slugs skipped right now, with seconds left (for /health). */
  coolingDown(): { slug: string; seconds: number }[] {
    const t = this.now();
    return [...this.cooldowns].filter(([, u]) => u > t).map(([slug, u]) => ({ slug, seconds: Math.ceil((u - t) / 1000) }));
  }

  /** Whether a request names the router's slug (anything else is served as requested, no classify call). */
  readonly classifies = (body: ResponsesRequest, settings: Settings): boolean => !!settings.router && body.model === settings.router.slug;

  readonly classify = async (input: ClassifyInput): Promise<ClassifyResult> => {
    const r = input.settings.router;
    if (!r || input.body.model !== r.slug) return { slug: input.body.model };
    try {
      return await this.route(input, r);
    } catch (e) {
      // the router's own answers are ShimErrors; anything else is a bug: say so, keep the request going
      if (!(e instanceof ShimError)) this.log(`[router] ${input.requestId} unexpected error: ${redactSecrets(String((e as Error)?.stack ?? e))}`);
      throw e;
    }
  };

  private async route(input: ClassifyInput, r: RouterSettings): Promise<ClassifyResult> {
    const needsCursor = r.candidates.some((c) => isCursorSlug(c.slug));
    const state = routerState(input.settings, this.env, needsCursor ? { cursorAvailable: await cursorAvailableWithin(this.env, 2_000) } : {});
    if (!state?.settings.enabled)
      throw new ShimError({ status: 404, code: "model_not_found", message: `The auto-router ${r.slug} is disabled (router.enabled is false or CODEX_SHIM_DISABLE_ROUTER is set). Pick a model, e.g. with: codex-shim model use <slug>` });
    if (!state.active)
      throw new ShimError({ status: 503, code: "router_unavailable", message: `The auto-router ${r.slug} has no usable candidate: ${state.unusable.map((u) => `${u.slug} (${u.reason})`).join("; ") || "no candidates configured"}.` });

    const signal = taskSignalOf(input.body);
    const key = decisionKeyOf(input.body, input.headers, signal.task, signal.hasImages);
    const settings = state.settings;
    const cached = settings.cache ? this.fromCache(input.requestId, key, state.usable, signal, r.slug) : null;
    if (cached) {
      if (routerLogLevel(this.env) === "verbose") this.log(formatDecisionLine(input.requestId, cached));
      return { slug: cached.slug, decision: cached };
    }
    const previous = this.cache.previous(key.thread);
    const scored = await this.score(settings, input, signal, state.usable, key, previous);
    const sel = selectCandidate({
      candidates: state.usable,
      scores: scored.scores,
      threshold: settings.threshold,
      fallback: settings.default,
      hasImages: signal.hasImages,
      estimatedTokens: signal.estimatedTokens,
      previous,
      isCoolingDown: (s) => this.isCoolingDown(s),
    });
    if (!sel) {
      const why = signal.hasImages ? "the request has images and no usable candidate has supports_images" : "no candidate can serve this request";
      throw new ShimError({ status: 400, code: "router_no_candidate", message: `The auto-router ${r.slug} cannot route this request: ${why}.` });
    }
    const decision = this.decide(input.requestId, r, sel, scored, key, state.usable, signal.hasImages);
    // A turn's later steps must stay on this model even when the classifier failed; a bare
    // prompt-text key (no session) caches only real classifications, as the original did.
    if (settings.cache && (scored.scores || key.kind !== "text")) this.cache.set(key.key, { slug: sel.slug, reason: decision.reason, ranking: sel.ranking, hasImages: signal.hasImages }, key.thread);
    else if (key.thread) this.cache.rememberThread(key.thread, sel.slug);
    if (routerLogLevel(this.env) !== "off") this.log(formatDecisionLine(input.requestId, decision, scored.note));
    return { slug: sel.slug, decision };
  }

  private decide(requestId: string, r: RouterSettings, sel: Selection, s: Scored, key: DecisionKey, usable: CandidateView[], hasImages: boolean): RouteDecision {
    return new RouteDecision({
      requestId,
      requested: r.slug,
      slug: sel.slug,
      reason: s.why ? `${s.why}; ${sel.reason}` : sel.reason,
      source: s.source,
      scores: sel.effective,
      classifierMs: s.ms,
      classifierTokens: s.tokens,
      key: key.key,
      thread: key.thread,
      ranking: sel.ranking,
      candidates: usable,
      hasImages,
      hooks: this.hooks,
    });
  }

  /** The turn's decision, if it still names a usable model; a cooled-down one moves on along its ranking. */
  private fromCache(requestId: string, key: DecisionKey, usable: CandidateView[], signal: TaskSignal, requested: string): RouteDecision | null {
    const hit = this.cache.get(key.key);
    if (!hit) return null;
    const slugs = new Set(usable.map((c) => c.slug));
    const ranking = hit.ranking.filter((s) => slugs.has(s));
    const slug = [hit.slug, ...ranking].find((s) => slugs.has(s) && !this.isCoolingDown(s));
    // images added mid-turn need a vision model: decide again
    if (!slug || (signal.hasImages && !hit.hasImages)) return null;
    return new RouteDecision({
      requestId,
      requested,
      slug,
      reason: slug === hit.slug ? `same ${key.kind}` : `same ${key.kind}; ${hit.slug} rate-limited or unavailable`,
      source: "cache",
      key: key.key,
      thread: key.thread,
      ranking,
      candidates: usable,
      hasImages: hit.hasImages,
      hooks: this.hooks,
    });
  }

  private async score(r: RouterSettings, input: ClassifyInput, signal: TaskSignal, usable: CandidateView[], key: DecisionKey, previous: string | undefined): Promise<Scored> {
    if (usable.length === 1) return { scores: null, source: "single", why: "one candidate" };
    // Codex's compaction request of a turn that has no decision (e.g. after a restart): the model
    // that did the thread's work writes the summary, if it still fits.
    if (key.kind === "compaction" && previous && usable.some((c) => c.slug === previous && c.contextWindow >= signal.estimatedTokens))
      return { scores: { [previous]: 1 }, source: "fallback", why: "compaction on the thread's model" };
    const choice = classifierChoice(r, input.settings, this.env);
    if (choice.kind === "heuristic") {
      const h = heuristicScores(signal, usable);
      return { scores: h.scores, source: "heuristic", note: `difficulty=${h.difficulty.toFixed(2)}` };
    }
    if (choice.kind === "none") return { scores: null, source: "fallback", why: choice.reason };
    const t0 = performance.now();
    try {
      const reply = await callClassifier({
        transport: this.transport,
        model: choice.model,
        apiKey: choice.apiKey,
        system: classifierSystemPrompt(usable),
        user: classifierUserContent(signal, usable),
        maxTokens: r.maxTokens,
        timeoutMs: r.timeoutMs,
        signal: input.signal,
      });
      const ms = Math.round(performance.now() - t0);
      const tokens = { input: reply.inputTokens, output: reply.outputTokens };
      const scores = parseClassifierScores(reply.text, usable.map((c) => c.slug));
      if (!scores) return { scores: null, source: "fallback", why: "classifier answer unparseable", ms, tokens };
      return { scores, source: "classifier", ms, tokens, note: routerLogLevel(this.env) === "verbose" ? reasoningOf(reply.text) : undefined };
    } catch (e) {
      return { scores: null, source: "fallback", why: `classifier error: ${(e as Error).message}`, ms: Math.round(performance.now() - t0) };
    }
  }
}

/** The classifier's one-sentence `reasoning`, shortened, for the verbose log. */
function reasoningOf(text: string): string | undefined {
  const m = /"reasoning"\s*:\s*"((?:[^"\\]|\\.){0,300})/.exec(text);
  return m ? `reasoning="${m[1].replace(/\s+/g, " ").slice(0, 160)}"` : undefined;
}
