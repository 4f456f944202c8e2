import { describe, expect, it } from "vitest";
import { nextCandidate, selectCandidate, type CandidateView, type SelectionInput } from "./select-candidate.ts";

const c = (slug: string, cost: number, o: Partial<CandidateView> = {}): CandidateView => ({ slug, cost, card: "", supportsImages: false, contextWindow: 128_000, ...o });
const CANDS = [c("cheap", 0.3), c("mid", 1), c("strong", 5, { supportsImages: true, contextWindow: 400_000 })];
const base: SelectionInput = { candidates: CANDS, scores: null, threshold: 0.7, fallback: null, hasImages: false, estimatedTokens: 1000 };
const pick = (o: Partial<SelectionInput>) => selectCandidate({ ...base, ...o });

describe("selectCandidate (reference-behavior §8.2 pick + fallback)", () => {
  it("cheapest at or above the threshold wins", () => {
    expect(pick({ scores: { cheap: 0.9, mid: 0.95, strong: 0.99 } })).toMatchObject({ slug: "cheap", reason: "score>=0.70, cheapest", ranking: ["cheap", "mid", "strong"] });
  });
  it("escalates when the cheap one is below the bar", () => {
    expect(pick({ scores: { cheap: 0.4, mid: 0.6, strong: 0.95 } })!.slug).toBe("strong");
  });
  it("none viable → the highest score, reason says below bar", () => {
    expect(pick({ scores: { cheap: 0.4, mid: 0.6, strong: 0.5 } })).toMatchObject({ slug: "mid", reason: "below bar; highest score" });
  });
  it("images zero candidates without image support", () => {
    const s = pick({ scores: { cheap: 0.99, mid: 0.99, strong: 0.8 }, hasImages: true })!;
    expect(s.slug).toBe("strong");
    expect(s.effective).toEqual({ cheap: 0, mid: 0, strong: 0.8 });
  });
  it("all zero → fallback: default, else cheapest; images need a vision candidate", () => {
    expect(pick({ scores: { cheap: 0, mid: 0, strong: 0 }, fallback: "mid" })!.slug).toBe("mid");
    expect(pick({ scores: null })).toMatchObject({ slug: "cheap", reason: "no scores; cheapest" });
    expect(pick({ scores: null, fallback: "mid", hasImages: true })!.slug).toBe("strong");
    expect(pick({ candidates: CANDS.slice(0, 2), scores: null, hasImages: true })).toBeNull();
  });
  it("a candidate whose window is smaller than the request is never chosen", () => {
    const s = pick({ scores: { cheap: 0.9, mid: 0.9, strong: 0.9 }, estimatedTokens: 200_000 })!;
    expect(s.slug).toBe("strong");
    expect(s.reason).toContain("2 too small for ~200000 tokens");
    expect(pick({ scores: null, estimatedTokens: 900_000 })).toMatchObject({ slug: "strong" });
  });
  it("ties go to the previous turn's model, then config order", () => {
    const same = [c("a", 1), c("b", 1)];
    expect(pick({ candidates: same, scores: { a: 0.9, b: 0.9 } })!.slug).toBe("a");
    expect(pick({ candidates: same, scores: { a: 0.9, b: 0.9 }, previous: "b" })!.slug).toBe("b");
    expect(pick({ candidates: same, scores: { a: 0.5, b: 0.5 }, previous: "b" })!.slug).toBe("b");
  });
  it("skips cooling-down candidates unless every one is", () => {
    expect(pick({ scores: { cheap: 0.9, mid: 0.9, strong: 0.9 }, isCoolingDown: (s) => s === "cheap" })!.slug).toBe("mid");
    expect(pick({ scores: { cheap: 0.9, mid: 0.9, strong: 0.9 }, isCoolingDown: () => true })!.slug).toBe("cheap");
  });
});

describe("nextCandidate (spill)", () => {
  const o = { candidates: CANDS, ranking: ["cheap", "mid", "strong"], tried: [], failed: "cheap", contextOverflow: false, hasImages: false, isCoolingDown: () => false };
  it("goes down the ranking, skipping tried and cooling candidates", () => {
    expect(nextCandidate(o)).toBe("mid");
    expect(nextCandidate({ ...o, isCoolingDown: (s) => s === "mid" })).toBe("strong");
    expect(nextCandidate({ ...o, failed: "strong", tried: ["cheap", "mid"] })).toBeNull();
  });
  it("context overflow escalates only to a wider window", () => {
    expect(nextCandidate({ ...o, contextOverflow: true })).toBe("strong");
    expect(nextCandidate({ ...o, failed: "strong", contextOverflow: true })).toBeNull();
  });
});
