import { describe, expect, it } from "vitest";
import { heuristicScores, taskDifficulty } from "./heuristic-classifier.ts";
import { selectCandidate } from "./select-candidate.ts";
import { taskSignalOf } from "./task-signal.ts";

const CANDS = [
  { slug: "cheap", cost: 0.3, card: "", supportsImages: false, contextWindow: 128_000 },
  { slug: "mid", cost: 1, card: "", supportsImages: false, contextWindow: 128_000 },
  { slug: "strong", cost: 5, card: "", supportsImages: true, contextWindow: 400_000 },
];
const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
function route(text: string, extra: Record<string, unknown> = {}): string {
  const signal = taskSignalOf({ model: "codex-auto", input: [user(text)], ...extra } as never);
  const { scores } = heuristicScores(signal, CANDS);
  return selectCandidate({ candidates: CANDS, scores, threshold: 0.7, fallback: null, hasImages: signal.hasImages, estimatedTokens: signal.estimatedTokens })!.slug;
}

describe("heuristic classifier", () => {
  it("trivial → cheap, medium → mid, hard → strong", () => {
    expect(route("rename the variable foo to bar")).toBe("cheap");
    expect(route("implement a CRUD endpoint for users with validation and tests")).toBe("mid");
    expect(route("refactor the authentication layer across the codebase and fix the race condition in session handling")).toBe("strong");
  });
  it("reasoning effort and long histories push difficulty up", () => {
    const s = taskSignalOf({ model: "x", input: [user("add a test")] } as never);
    const high = taskSignalOf({ model: "x", input: [user("add a test")], reasoning: { effort: "xhigh" } } as never);
    expect(taskDifficulty(high)).toBeGreaterThan(taskDifficulty(s) + 0.2);
  });
  it("is well under a millisecond per call", () => {
    const signal = taskSignalOf({ model: "x", input: [user("refactor src/a.ts and src/b.ts ".repeat(200))] } as never);
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) heuristicScores(signal, CANDS);
    expect((performance.now() - t0) / 1000).toBeLessThan(1);
  });
});

describe("taskSignalOf", () => {
  it("takes the latest user instruction, skipping tool items and Codex's injected context", () => {
    const s = taskSignalOf({
      model: "x",
      tools: [{ type: "function", name: "a" }, { type: "function", name: "b" }],
      input: [
        user("<environment_context>cwd</environment_context>"),
        user("fix the bug"),
        { type: "function_call", call_id: "c1", name: "a", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "ok" },
      ],
    } as never);
    expect(s).toMatchObject({ task: "fix the bug", toolCount: 2, inputItems: 4, toolSteps: 2, hasImages: false });
  });
  it("detects images anywhere and counts them in the size estimate", () => {
    const s = taskSignalOf({ model: "x", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "what is this" }, { type: "input_image", image_url: "data:image/png;base64,AAAA" }] }] } as never);
    expect(s.hasImages).toBe(true);
    expect(s.estimatedTokens).toBeGreaterThanOrEqual(1000);
    expect(taskSignalOf({ model: "x", input: "hello" } as never)).toMatchObject({ task: "hello", inputItems: 1 });
  });
});
