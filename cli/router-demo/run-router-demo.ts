import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../server/start-server.ts";
import { HEURISTIC_CLASSIFIER } from "../../adapters/settings/parse-router-settings.ts";
import { demoSettings, startMockMultiModelUpstream, type MockUpstream } from "./mock-multi-model-upstream.ts";

export interface DemoRow {
  name: string;
  expected: string;
  served: string;
  classifierCalls: number;
  pass: boolean;
  why: string;
}

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=";
const user = (text: string, image?: string) => ({
  type: "message",
  role: "user",
  content: image ? [{ type: "input_text", text }, { type: "input_image", image_url: image }] : [{ type: "input_text", text }],
});

/**
 * `codex-shim router demo`: a mock multi-model upstream and the real server on loopback with a
 * temporary router config, then one request per case (as Codex sends them: a thread and a turn id
 * in `x-codex-turn-metadata`). No keys, no network. Returns one row per case.
 */
export async function runRouterDemo(log: (line: string) => void = () => {}): Promise<DemoRow[]> {
  const up: MockUpstream = await startMockMultiModelUpstream();
  const dir = mkdtempSync(join(tmpdir(), "codex-shim-router-demo-"));
  const settingsFile = join(dir, "models.json");
  writeFileSync(settingsFile, JSON.stringify(demoSettings(up.url), null, 2));
  const server = await startServer({
    settingsFile,
    settingsRequired: true,
    port: 0,
    env: { PATH: process.env.PATH, HOME: dir, CODEX_HOME: join(dir, "codex-home"), CODEX_SHIM_HOME: dir, CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" },
    log,
    keepAliveMs: 0,
    watchSettings: false,
  });
  const rows: DemoRow[] = [];
  let turnNo = 0;
  const post = async (input: unknown[], turn: string) => {
    const res = await fetch(`${server.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-codex-turn-metadata": JSON.stringify({ thread_id: "demo-thread", turn_id: turn, request_kind: "turn" }) },
      body: JSON.stringify({ model: "codex-auto", stream: false, input }),
    });
    return { status: res.status, body: (await res.json()) as { output?: { type: string; call_id?: string; name?: string; arguments?: string; content?: { text?: string }[] }[] } };
  };
  /** Runs one case and records which upstream model answered and how many classifier calls it took. */
  const check = async (name: string, expected: string, steps: (turn: string) => Promise<void>, extra?: () => string | null) => {
    const before = up.hits.length;
    const turn = `turn-${++turnNo}`;
    await steps(turn);
    const hits = up.hits.slice(before);
    const answers = hits.filter((h) => h.kind !== "classifier");
    const served = [...new Set(answers.filter((h) => h.kind !== "rate_limited").map((h) => h.model.replace(/-model$/, "")))].join("+") || "(none)";
    const problem = extra?.() ?? null;
    rows.push({ name, expected, served, classifierCalls: hits.length - answers.length, pass: served === expected && !problem, why: problem ?? "" });
  };
  try {
    await check("trivial task", "cheap", async (t) => void (await post([user("say hi")], t)));
    await check("CRUD endpoint", "mid", async (t) => void (await post([user("implement a CRUD endpoint for users")], t)));
    await check("cross-file refactor", "strong", async (t) => void (await post([user("refactor the auth module across files")], t)));
    await check("screenshot question (image)", "strong", async (t) => void (await post([user("what does this screenshot show?", PNG)], t)));
    let toolSteps = 0;
    await check(
      "tool-call turn, 2 steps",
      "cheap",
      async (t) => {
        const first = await post([user("run the tests")], t);
        const call = first.body.output?.find((o) => o.type === "function_call");
        if (!call) return;
        await post([user("run the tests"), { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments }, { type: "function_call_output", call_id: call.call_id, output: "ok" }], t);
        toolSteps = 2;
      },
      () => (toolSteps === 2 ? null : "the model made no tool call"),
    );
    const last = rows[rows.length - 1];
    if (last.pass && last.classifierCalls !== 1) Object.assign(last, { pass: false, why: `expected 1 classifier call for the turn, saw ${last.classifierCalls}` });
    up.rateLimited.add("cheap-model");
    let status = 0;
    await check(
      "quota spill (cheap answers 429)",
      "mid",
      async (t) => void ({ status } = await post([user("say hello")], t)),
      () => (status === 200 && up.hits.some((h) => h.kind === "rate_limited") ? null : `HTTP ${status}, no 429 seen`),
    );
    up.rateLimited.clear();
    // the heuristic classifier: no model call at all
    writeFileSync(settingsFile, JSON.stringify(demoSettings(up.url, HEURISTIC_CLASSIFIER), null, 2));
    server.ctx.store.reload();
    server.ctx.router?.clearCooldowns();
    await check("heuristic: trivial", "cheap", async (t) => void (await post([user("rename foo to bar")], t)));
    await check("heuristic: endpoint", "mid", async (t) => void (await post([user("implement a CRUD endpoint with validation and tests")], t)));
    await check("heuristic: refactor", "strong", async (t) => void (await post([user("refactor the session layer across the codebase and fix the race condition")], t)));
    for (const r of rows.slice(-3)) if (r.pass && r.classifierCalls !== 0) Object.assign(r, { pass: false, why: "the heuristic called a model" });
  } finally {
    await server.close();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function formatDemoTable(rows: DemoRow[]): string {
  const head = ["#", "case", "expected", "served by", "classifier calls", "result"];
  const body = rows.map((r, i) => [String(i + 1), r.name, r.expected, r.served, String(r.classifierCalls), r.pass ? "PASS" : `FAIL ${r.why}`.trim()]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => x.padEnd(widths[c])).join("  ").trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
