import { describe, expect, it } from "vitest";
import { parseSettings, SettingsError } from "./parse-settings.ts";

const MODELS = [
  { model: "small-1", slug: "cheap", provider: "openai", base_url: "http://h/v1", api_key: "k" },
  { model: "big-1", slug: "strong", provider: "anthropic", base_url: "http://h", api_key: "k" },
];
const parse = (router: unknown) => parseSettings({ models: MODELS, router }, "models.json");
function problems(router: unknown): string[] {
  try {
    parse(router);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as SettingsError).problems;
  }
  throw new Error("expected a SettingsError");
}

describe("router block (reference-behavior §8.1)", () => {
  it("reads every field, with aliases and defaults", () => {
    const s = parse({ enabled: true, id: "auto", classifier: "small-1", candidates: [{ id: "cheap", cost: 0.3, card: "  quick edits  " }, { slug: "strong", supportsImages: true }] });
    expect(s.router).toEqual({
      enabled: true,
      slug: "auto",
      displayName: "Auto (smart routing)",
      classifier: "small-1",
      threshold: 0.7,
      default: null,
      cache: true,
      timeoutMs: 12_000,
      maxTokens: 600,
      candidates: [
        { slug: "cheap", cost: 0.3, card: "quick edits", supportsImages: false },
        { slug: "strong", cost: 1, card: "", supportsImages: true },
      ],
    });
  });

  it("defaults: disabled, codex-auto; bare candidate strings and passthrough slugs are accepted", () => {
    const s = parse({ candidates: ["cheap", "gpt-5.5", "composer-2-5"], classifier: "heuristic", timeout: 2.5, max_tokens: 100 });
    expect(s.router).toMatchObject({ enabled: false, slug: "codex-auto", classifier: "heuristic", timeoutMs: 2500, maxTokens: 100 });
    expect(s.router!.candidates.map((c) => c.slug)).toEqual(["cheap", "gpt-5.5", "composer-2-5"]);
  });

  it("no router block → no router", () => {
    expect(parseSettings({ models: MODELS }, null).router).toBeUndefined();
  });

  it("names the file, the field path and what was expected", () => {
    expect(problems({ enabled: "yes", threshold: 1.5, candidates: [{ slug: "cheap", cost: -1 }] })).toEqual([
      "models.json: router.enabled: expected true or false, got \"yes\"",
      "models.json: router.threshold: expected a number between 0 and 1, got 1.5",
      "models.json: router.candidates[0].cost: expected a cost of 0 or more, got -1",
    ]);
  });

  it("typos get a hint; an unknown candidate is named with the configured slugs", () => {
    const p = problems({ enabeld: true, candidates: [{ slug: "chep", cst: 1 }] });
    expect(p).toContain('models.json: router.enabeld: is not a known setting (typo? did you mean "enabled"?)');
    expect(p).toContain('models.json: router.candidates[0].cst: is not a known setting (typo? did you mean "cost"?)');
    const q = problems({ candidates: [{ slug: "chep" }] });
    expect(q[0]).toMatch(/^models\.json: router\.candidates\[0\]\.slug: "chep" is not a configured model slug \(did you mean "cheap"\?\); expected one of "cheap", "strong"/);
  });

  it("rejects an unknown classifier, a default that is not a candidate, duplicates and slug clashes", () => {
    expect(problems({ classifier: "nope", candidates: ["cheap"] })[0]).toMatch(/router\.classifier: "nope" is not a configured model.*"heuristic"/);
    expect(problems({ default: "strong", candidates: ["cheap"] })[0]).toMatch(/router\.default: "strong" is not one of the candidates; expected one of "cheap"/);
    expect(problems({ candidates: ["cheap", "cheap"] })[0]).toMatch(/router\.candidates\[1\]\.slug: "cheap" is listed twice/);
    expect(problems({ slug: "cheap", candidates: ["strong"] })[0]).toMatch(/router\.slug: "cheap" is already a configured model's slug/);
    expect(problems({ candidates: "cheap" })[0]).toMatch(/router\.candidates: expected an array/);
    expect(problems([1])[0]).toBe("models.json: router: expected an object, got [1]");
  });
});
