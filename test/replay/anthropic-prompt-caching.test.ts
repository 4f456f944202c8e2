import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { convertResponsesRequestToAnthropic } from "../../adapters/anthropic/convert-responses-request-to-anthropic.ts";
import { encodeAnthropicThinking } from "../../adapters/anthropic/anthropic-thinking-carrier.ts";
import type { AnthropicRequest } from "../../adapters/anthropic/anthropic-types.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../../adapters/settings/settings-types.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";

/**
 * Prompt caching measured on a real multi-turn Codex session (the recorded tool loop: first
 * request, then the request after exec_command, then the one after apply_patch). The reasoning
 * items are given Anthropic thinking carriers, as a Claude session would have them.
 *
 * A small model of Anthropic's cache (prefix hash at each breakpoint, reads found at a
 * breakpoint or up to 20 blocks before it; tools → system → thinking config → messages) shows
 * how much of each prompt is billed at cache-read rates.
 */
const MODEL: ModelConfig = {
  slug: "claude",
  model: "claude-sonnet-4-5",
  provider: "anthropic",
  baseUrl: "https://api.anthropic.com",
  displayName: "Claude",
  noImageSupport: false,
  extraHeaders: {},
  index: 0,
  timeouts: DEFAULT_TIMEOUTS,
};

function claudeSession(): any[] {
  return ["tool-loop-turn1", "tool-loop-turn2", "tool-loop-turn3"].map((name) => {
    const body = structuredClone(codexRequestBody(name));
    let i = 0;
    for (const item of body.input)
      if (item.type === "reasoning") {
        const text = item.summary?.map((s: any) => s.text).join("") ?? "";
        item.encrypted_content = encodeAnthropicThinking(MODEL.model, [{ type: "thinking", thinking: text, signature: `sig-${++i}` }]);
      }
    return body;
  });
}

interface Segments {
  segs: string[];
  breakpoints: number[];
}

const LOOKBACK = 20;
const plain = (v: unknown) => JSON.stringify(v, (k, x) => (k === "cache_control" ? undefined : x));

function segmentsOf(body: AnthropicRequest): Segments {
  const segs: string[] = [];
  const breakpoints: number[] = [];
  const add = (v: { cache_control?: unknown }, extra: Record<string, unknown> = {}) => {
    segs.push(plain({ ...extra, ...v }));
    if (v.cache_control) breakpoints.push(segs.length - 1);
  };
  segs.push(plain({ model: body.model }));
  for (const t of body.tools ?? []) add(t);
  for (const s of body.system ?? []) add(s);
  segs.push(plain({ thinking: body.thinking ?? null }));
  for (const m of body.messages) for (const b of m.content) add(b as { cache_control?: unknown }, { role: m.role });
  return { segs, breakpoints };
}

/** Simulates Anthropic's prompt cache over a sequence of requests. */
function simulate(bodies: AnthropicRequest[]) {
  const cache = new Set<string>();
  return bodies.map((body) => {
    const { segs, breakpoints } = segmentsOf(body);
    const hashes: string[] = [];
    const tokens: number[] = [];
    let h = createHash("sha256");
    let bytes = 0;
    for (const s of segs) {
      h = h.copy().update(s);
      hashes.push(h.copy().digest("hex"));
      bytes += Buffer.byteLength(s);
      tokens.push(Math.ceil(bytes / 4));
    }
    let readAt = -1;
    for (const b of breakpoints) for (let j = b; j >= Math.max(0, b - LOOKBACK); j--) if (cache.has(hashes[j]) && j > readAt) readAt = j;
    const read = readAt >= 0 ? tokens[readAt] : 0;
    const lastBp = breakpoints.at(-1) ?? -1;
    const written = lastBp >= 0 ? tokens[lastBp] - read : 0;
    for (const b of breakpoints) cache.add(hashes[b]);
    return { total: tokens.at(-1)!, read, written, breakpoints: breakpoints.length, segs, readAt };
  });
}

const convert = (req: any, model: ModelConfig) => convertResponsesRequestToAnthropic(req, model, []).body;

describe("Anthropic prompt caching on a multi-turn Codex session", () => {
  const session = claudeSession();
  const bodies = session.map((r) => convert(r, MODEL));

  it("keeps thinking on across the session (a toggle would invalidate the message cache)", () => {
    for (const b of bodies) expect(b.thinking).toEqual({ type: "enabled", budget_tokens: 8192 });
  });

  it("places at most four breakpoints, and the previous request's whole prompt is a prefix ending at one", () => {
    const runs = simulate(bodies);
    for (const r of runs) expect(r.breakpoints).toBeLessThanOrEqual(4);
    for (let n = 1; n < runs.length; n++) {
      const prev = runs[n - 1].segs;
      // turn n's prompt starts with exactly turn n-1's whole prompt …
      expect(runs[n].segs.slice(0, prev.length)).toEqual(prev);
      // … and the cache read covers all of it
      expect(runs[n].readAt).toBe(prev.length - 1);
      expect(runs[n].read).toBe(runs[n - 1].total);
    }
  });

  it("bills most of each later turn at cache-read rates, more than system/tools-only caching", () => {
    const runs = simulate(bodies);
    expect(runs[0].read).toBe(0);
    const ratios = runs.slice(1).map((r) => r.read / r.total);
    for (const ratio of ratios) expect(ratio).toBeGreaterThan(0.9);

    // baseline: breakpoints only on tools and system
    const baseline = simulate(
      bodies.map((b) => {
        const c = structuredClone(b);
        for (const m of c.messages) for (const x of m.content) delete (x as { cache_control?: unknown }).cache_control;
        return c;
      }),
    );
    const sum = (rs: { read: number; total: number }[]) => rs.slice(1).reduce((a, r) => a + r.read, 0) / rs.slice(1).reduce((a, r) => a + r.total, 0);
    expect(sum(runs)).toBeGreaterThan(sum(baseline));
    const uncachedWith = runs.slice(1).reduce((a, r) => a + (r.total - r.read), 0);
    const uncachedBase = baseline.slice(1).reduce((a, r) => a + (r.total - r.read), 0);
    expect(uncachedWith).toBeLessThan(uncachedBase);
    console.info(
      `prompt caching (simulated, tokens≈bytes/4): turns ${runs.map((r) => r.total).join("/")}; read ${runs.map((r) => r.read).join("/")}; ` +
        `later-turn hit rate ${(sum(runs) * 100).toFixed(1)}% vs ${(sum(baseline) * 100).toFixed(1)}% with system/tools breakpoints only; ` +
        `uncached tokens after turn 1: ${uncachedWith} vs ${uncachedBase}`,
    );
  });

  it("sends no breakpoints when prompt_caching is false", () => {
    for (const r of session) expect(JSON.stringify(convert(r, { ...MODEL, promptCaching: false }))).not.toContain("cache_control");
  });
});
