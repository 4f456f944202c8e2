/**
 * The shim's CPU per agent turn at two history sizes (issue 11 item 6): WebSocket continuations
 * (`previous_response_id` + only the new tool output, as Codex sends them) against the same turns
 * over HTTP (the whole history every time). The history is real-shaped Codex items (the
 * tool-loop fixtures' developer/user messages, then reasoning + call + output triples) grown to
 * the target size; the upstream answers each turn with a tool call at once, so what is measured is
 * the shim: parsing, translating, serializing and sending the upstream request, translating the
 * answer. CPU is the shim child's own (process.cpuUsage over IPC).
 *
 * Every measured turn continues the same cached response, so the history stays at its size.
 * Run alone: `node bench/ws-incremental-turns.ts [--quick]`; `npm run bench` runs it at the end.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocket } from "undici";
import { cpuUs, startChild, type ChildServer } from "./child-server.ts";
import { codexRequestBody as fixture } from "../test/helpers/shared-fixtures.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export interface TurnCpuFigures {
  history_bytes: number;
  ws_cpu_us_per_turn: number;
  /** Of which user-space CPU (the rest is the kernel, mostly writing the upstream request). */
  ws_user_us_per_turn: number;
  http_cpu_us_per_turn: number;
}

/** The tool call every answer carries (chat-completions SSE), pre-encoded. */
const ANSWER = Buffer.from(
  [
    { choices: [{ index: 0, delta: { role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_next", type: "function", function: { name: "exec_command", arguments: '{"cmd":"ls"}' } }] } }] },
    { choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
    { choices: [], usage: { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010 } },
  ]
    .map((c) => `data: ${JSON.stringify(c)}\n\n`)
    .join("") + "data: [DONE]\n\n",
);

export function startUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(ANSWER);
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** Codex's items for a history of about `bytes` bytes: its opening messages, then tool rounds. */
export function historyOf(bytes: number): unknown[] {
  const t3 = fixture("tool-loop-turn3");
  const opening = t3.input.slice(0, 4);
  const round = t3.input.slice(4, 7) as Record<string, unknown>[];
  const out: unknown[] = [...opening];
  let size = JSON.stringify(out).length;
  for (let i = 0; size < bytes; i++) {
    for (const item of round) {
      const copy = structuredClone(item);
      if ("call_id" in copy) copy.call_id = `call_hist_${i}`;
      if ("id" in copy && typeof copy.id === "string") copy.id = `${copy.id}_${i}`;
      if (copy.type === "function_call_output") copy.output = `${String(copy.output)}\n${"drwxr-xr-x  2 dev dev 4096 Nov 24 12:00 src\n".repeat(12)}`;
      out.push(copy);
      size += JSON.stringify(copy).length + 1;
    }
  }
  return out;
}

/** A settings file with one chat-completions model `shim-model` on `upstreamUrl`, in a fresh temp dir. */
export function writeTurnBenchSettings(upstreamUrl: string, tmpPrefix: string): string {
  const settingsFile = join(mkdtempSync(join(tmpdir(), tmpPrefix)), "models.json");
  writeFileSync(settingsFile, JSON.stringify({ models: [{ model: "bench-model", slug: "shim-model", provider: "openai", base_url: `${upstreamUrl}/v1`, api_key: "sk-bench" }] }));
  return settingsFile;
}

export const toolOutput = (callId: string) => ({ type: "function_call_output", call_id: callId, output: `Chunk ID: 1\nWall time: 0.01 seconds\nProcess exited with code 0\nOutput:\n${"src\nREADME.md\npackage.json\n".repeat(30)}` });

async function userUs(shim: ChildServer): Promise<number> {
  return (await shim.stats()).cpuUserUs;
}

async function openSocket(url: string): Promise<{ send(m: unknown): Promise<any[]>; close(): void }> {
  const ws = new WebSocket(url.replace(/^http/, "ws") + "/v1/responses");
  let frames: any[] = [];
  let done: ((f: any[]) => void) | null = null;
  ws.addEventListener("message", (ev) => {
    const f = JSON.parse(String(ev.data));
    frames.push(f);
    if (f.type === "response.completed" || f.type === "response.failed" || f.type === "error") {
      const out = frames;
      frames = [];
      done?.(out);
    }
  });
  await new Promise<void>((r, j) => {
    ws.addEventListener("open", () => r(), { once: true });
    ws.addEventListener("error", () => j(new Error("WebSocket did not open")), { once: true });
  });
  return {
    send: (m) =>
      new Promise<any[]>((r) => {
        done = r;
        ws.send(JSON.stringify(m));
      }),
    close: () => ws.close(),
  };
}

/** CPU per turn at one history size: WebSocket continuations, then the same turns over HTTP. */
async function measure(shim: ChildServer, history: unknown[], turns: number, withHttp = true): Promise<TurnCpuFigures> {
  const t1 = fixture("tool-loop-turn1");
  const base = { model: "shim-model", tools: t1.tools, tool_choice: "auto", parallel_tool_calls: true, reasoning: t1.reasoning, store: false, include: t1.include, prompt_cache_key: t1.prompt_cache_key };
  const sock = await openSocket(shim.url);
  const first = await sock.send({ type: "response.create", ...base, input: history });
  const id = first.at(-1).response.id as string;
  if (first.at(-1).type !== "response.completed") throw new Error(`first turn failed: ${JSON.stringify(first.at(-1)).slice(0, 300)}`);
  const wsTurn = async () => {
    const frames = await sock.send({ type: "response.create", ...base, previous_response_id: id, input: [toolOutput("call_next")] });
    if (frames.at(-1).type !== "response.completed") throw new Error(`turn failed: ${JSON.stringify(frames.at(-1)).slice(0, 300)}`);
  };
  for (let i = 0; i < Math.min(20, turns); i++) await wsTurn(); // warm-up (JIT)
  let c0 = await cpuUs(shim);
  const u0 = await userUs(shim);
  for (let i = 0; i < turns; i++) await wsTurn();
  const u1 = await userUs(shim);
  const ws = (await cpuUs(shim)) - c0;
  const wsUser = (u1 - u0) / turns;
  sock.close();
  if (!withHttp) return { history_bytes: JSON.stringify(history).length, ws_cpu_us_per_turn: ws / turns, ws_user_us_per_turn: wsUser, http_cpu_us_per_turn: NaN };

  const httpBody = JSON.stringify({ ...base, stream: true, input: [...history, ...first.filter((f) => f.type === "response.output_item.done").map((f) => f.item), toolOutput("call_next")] });
  const httpTurn = async () => {
    const res = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: httpBody });
    const text = await res.text();
    if (!text.includes("response.completed")) throw new Error(`HTTP turn failed: ${text.slice(0, 300)}`);
  };
  for (let i = 0; i < Math.min(20, turns); i++) await httpTurn();
  c0 = await cpuUs(shim);
  for (let i = 0; i < turns; i++) await httpTurn();
  const http = (await cpuUs(shim)) - c0;
  return { history_bytes: JSON.stringify(history).length, ws_cpu_us_per_turn: ws / turns, ws_user_us_per_turn: wsUser, http_cpu_us_per_turn: http / turns };
}

export async function runIncrementalTurnsBench(opts: { quick?: boolean; execArgv?: string[]; log?: (s: string) => void; http?: boolean } = {}): Promise<{ small: TurnCpuFigures; large: TurnCpuFigures; ratio: number; userRatio: number }> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const up = await startUpstream();
  const settingsFile = writeTurnBenchSettings(up.url, "codex-shim-wsbench-");
  const shim = await startChild("shim-ws", here("./shim-child-entry.mjs"), [settingsFile], { execArgv: opts.execArgv ?? [] });
  try {
    const turns = opts.quick ? 60 : 200;
    const small = await measure(shim, historyOf(30 * 1024), turns, opts.http);
    const large = await measure(shim, historyOf(1024 * 1024), turns, opts.http);
    const ratio = large.ws_cpu_us_per_turn / small.ws_cpu_us_per_turn;
    const userRatio = large.ws_user_us_per_turn / small.ws_user_us_per_turn;
    const ms = (us: number) => (us / 1000).toFixed(2);
    const row = (f: TurnCpuFigures) =>
      `${(f.history_bytes / 1024).toFixed(0).padStart(5)} KB history: WebSocket ${ms(f.ws_cpu_us_per_turn)} ms/turn (user ${ms(f.ws_user_us_per_turn)}, kernel ${ms(f.ws_cpu_us_per_turn - f.ws_user_us_per_turn)}), HTTP (whole history) ${ms(f.http_cpu_us_per_turn)} ms/turn`;
    log(`\nshim CPU per agent turn (${turns} turns, upstream answers a tool call at once):`);
    log(`  ${row(small)}`);
    log(`  ${row(large)}`);
    log(`  WebSocket 1 MB / 30 KB: ${ratio.toFixed(2)}× in all, ${userRatio.toFixed(2)}× in user space (target ≤ 1.2×); HTTP: ${(large.http_cpu_us_per_turn / small.http_cpu_us_per_turn).toFixed(2)}×`);
    return { small, large, ratio, userRatio };
  } finally {
    await shim.stop();
    await new Promise<void>((r) => up.server.close(() => r()));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runIncrementalTurnsBench({ quick: process.argv.includes("--quick") }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
