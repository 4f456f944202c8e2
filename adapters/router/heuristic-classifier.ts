import type { RouterCandidate } from "../settings/settings-types.ts";
import type { Scores } from "./parse-classifier-scores.ts";
import type { TaskSignal } from "./task-signal.ts";

const HARD = /\b(refactor\w*|architect\w*|redesign\w*|migrat\w*|concurren\w*|race condition|deadlock|memory leak|root cause|investigat\w*|debug\w*|optimi[sz]\w*|performance|profil\w*|security|vulnerab\w*|across (?:the |all |multiple )?(?:files|modules|packages|services|codebase)|whole (?:codebase|repo\w*|project)|entire (?:codebase|repo\w*|project)|multi-?file|distributed|algorithm\w*|prove|formal|rewrite|port (?:it|this|the)|monorepo|flaky)\b/gi;
const MEDIUM = /\b(implement\w*|add(?:ing)?|endpoint|crud|feature|test(?:s|ing)?|fix(?:es|ing)?|bug|function|class|method|api|handler|validat\w*|parse\w*|integrat\w*|update|schema|component|module|script)\b/gi;
const TRIVIAL = /\b(rename|typo|spelling|what (?:is|does)|explain briefly|print|echo|hello|list (?:the )?files|format(?:ting)?|comment|lint|bump|version|say|hi)\b/gi;
const FILE = /(?:^|[\s`'"(])[\w./-]+\.(?:ts|tsx|js|jsx|mjs|py|rs|go|java|kt|rb|php|c|cc|cpp|h|hpp|cs|swift|sql|md|json|toml|ya?ml|sh)\b/g;

const count = (re: RegExp, s: string) => s.match(re)?.length ?? 0;

/** How hard the turn looks, 0 (trivial) to 1 (frontier-model work), from cheap signals only. */
export function taskDifficulty(s: TaskSignal): number {
  const t = s.task;
  let d = 0.15;
  // length: a few words is usually simple; a page of requirements is not
  d += Math.min(0.25, Math.max(0, Math.log10(Math.max(1, t.length) / 80) * 0.18));
  d += Math.min(0.45, count(HARD, t) * 0.22);
  d += Math.min(0.3, count(MEDIUM, t) * 0.1);
  d -= Math.min(0.2, count(TRIVIAL, t) * 0.1);
  d += Math.min(0.2, Math.max(0, count(FILE, t) - 1) * 0.06);
  if (s.hasImages) d += 0.1;
  if (s.toolCount > 40) d += 0.05;
  if (s.inputItems > 120) d += 0.15;
  else if (s.inputItems > 40) d += 0.07;
  if (s.toolSteps > 30) d += 0.1;
  const effort = s.reasoningEffort;
  if (effort === "xhigh") d += 0.25;
  else if (effort === "high") d += 0.15;
  else if (effort === "low") d -= 0.08;
  else if (effort === "minimal" || effort === "none") d -= 0.15;
  return Math.min(1, Math.max(0, d));
}

/**
 * The `"heuristic"` classifier: no model call. Candidates are ranked by cost as a capability
 * proxy (the cheapest is the weakest); one whose capability reaches the difficulty scores 0.9,
 * one below it 0.65 or less, the further it falls short the lower. With the default threshold 0.7
 * the router then picks the cheapest candidate whose rank reaches the task's difficulty.
 */
export function heuristicScores(signal: TaskSignal, candidates: readonly RouterCandidate[]): { scores: Scores; difficulty: number } {
  const difficulty = taskDifficulty(signal);
  const ranked = [...candidates].sort((a, b) => a.cost - b.cost);
  const scores: Scores = {};
  const n = ranked.length;
  for (const c of ranked) {
    // equal costs share a capability level
    const level = ranked.findLastIndex((x) => x.cost === c.cost);
    const capability = n === 1 ? 1 : (level + 1) / n;
    const gap = difficulty - capability;
    scores[c.slug] = gap <= 0 ? 0.9 : Math.max(0.05, Math.round((0.65 - gap * 2) * 100) / 100);
  }
  return { scores, difficulty };
}
