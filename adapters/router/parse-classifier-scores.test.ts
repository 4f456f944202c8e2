import { describe, expect, it } from "vitest";
import { parseClassifierScores } from "./parse-classifier-scores.ts";

const SLUGS = ["cheap", "strong"];

describe("parseClassifierScores (reference-behavior §8.2)", () => {
  it("pulls the object out of prose, clamps values, missing slugs → 0", () => {
    expect(parseClassifierScores('Sure! {"scores": {"cheap": 1.5, "other": 0.3}, "reasoning": "easy"} hope this helps', SLUGS)).toEqual({ cheap: 1, strong: 0 });
  });
  it("reads code fences and numeric strings, negative → 0", () => {
    expect(parseClassifierScores('```json\n{"scores": {"cheap": "0.4", "strong": -2}}\n```', SLUGS)).toEqual({ cheap: 0.4, strong: 0 });
  });
  it("finds the scores object even when prose around it has braces (the original's retry could not)", () => {
    expect(parseClassifierScores('I considered {maybe}. {"scores": {"cheap": 0.2, "strong": 0.9}} {end}', SLUGS)).toEqual({ cheap: 0.2, strong: 0.9 });
  });
  it("garbage, empty, or no scores object → null", () => {
    expect(parseClassifierScores("no idea", SLUGS)).toBeNull();
    expect(parseClassifierScores("", SLUGS)).toBeNull();
    expect(parseClassifierScores('{"cheap": 0.9}', SLUGS)).toBeNull();
    expect(parseClassifierScores('{"scores": [1,2]}', SLUGS)).toBeNull();
  });
});
