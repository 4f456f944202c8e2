import { describe, expect, it } from "vitest";
import { formatDemoTable, runRouterDemo } from "./run-router-demo.ts";

describe("codex-shim router demo", () => {
  it("every case passes against the real server, offline", async () => {
    const lines: string[] = [];
    const rows = await runRouterDemo((l) => lines.push(l));
    expect(rows.map((r) => [r.name, r.served, r.pass])).toEqual([
      ["trivial task", "cheap", true],
      ["CRUD endpoint", "mid", true],
      ["cross-file refactor", "strong", true],
      ["screenshot question (image)", "strong", true],
      ["tool-call turn, 2 steps", "cheap", true],
      ["quota spill (cheap answers 429)", "mid", true],
      ["heuristic: trivial", "cheap", true],
      ["heuristic: endpoint", "mid", true],
      ["heuristic: refactor", "strong", true],
    ]);
    expect(formatDemoTable(rows)).toMatch(/^#\s+case\s+expected\s+served by/);
    expect(lines.join("\n")).not.toContain("sk-demo-router-key");
  });
});
