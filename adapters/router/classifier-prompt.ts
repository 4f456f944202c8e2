import type { RouterCandidate } from "../settings/settings-types.ts";
import type { TaskSignal } from "./task-signal.ts";

const MAX_TASK_CHARS = 6000;
const HALF = 3000;

/**
 * The classifier's system prompt (reference-behavior §8.2): a 0–1 first-try success probability
 * per candidate from its capability card. Prices are never shown: the router weighs cost itself.
 */
export function classifierSystemPrompt(candidates: readonly RouterCandidate[]): string {
  const list = candidates
    .map((c) => `- slug: ${c.slug}\n  images: ${c.supportsImages ? "yes" : "no"}\n  capability: ${c.card || "general-purpose model (no capability card given)"}`)
    .join("\n");
  const example = `{"scores": {${candidates.map((c) => `"${c.slug}": 0.0`).join(", ")}}, "reasoning": "one short sentence"}`;
  return [
    "You are a task-routing classifier for a coding agent.",
    "For the task below, estimate for every candidate model the probability (0.0 to 1.0) that it completes the task correctly on the first try.",
    "A downstream system combines your scores with costs you do not see, so do not pick a winner: score every candidate honestly.",
    "",
    "Scoring guide:",
    "- 0.0: cannot attempt it at all (for example the task needs images and the model has no image support)",
    "- 0.1-0.3: near-certain failure",
    "- 0.4-0.6: real risk of failure",
    "- 0.7-0.8: likely success",
    "- 0.9-1.0: near-certain success",
    "Short prompts can hide complex work (\"fix the build\", \"make it faster\"): when unsure, score around 0.5-0.6.",
    "",
    "Candidate models:",
    list,
    "",
    "Answer with exactly one JSON object, no prose and no code fence, of this form:",
    example,
    "Every slug must appear, with a value in [0, 1].",
  ].join("\n");
}

/** The classifier's user message: the task signal, then the slugs to score. */
export function classifierUserContent(signal: TaskSignal, candidates: readonly RouterCandidate[]): string {
  let task = signal.task.trim() ? signal.task : "(no explicit instruction; infer from context)";
  if (task.length > MAX_TASK_CHARS) task = `${task.slice(0, HALF)}\n...\n${task.slice(-HALF)}`;
  const lines = task.split("\n").map((l) => `    ${l}`);
  return [
    "<session>",
    `  images_present: ${signal.hasImages ? "yes" : "no"}`,
    `  tools_available: ${signal.toolCount}`,
    `  input_items: ${signal.inputItems}`,
    "  current_task: |",
    ...(lines.length ? lines : ["    (empty)"]),
    "</session>",
    "",
    `Score these candidate slugs: ${candidates.map((c) => c.slug).join(", ")}`,
  ].join("\n");
}
