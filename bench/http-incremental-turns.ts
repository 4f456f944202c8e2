/**
 * Does reusing the previous turn's translation pay over HTTP (issue 12 item 3)? Two shim children
 * on the same upstream, one with incremental turns (the default) and one with
 * CODEX_SHIM_HTTP_TURN_REUSE=0 and CODEX_SHIM_BODY_PREFIX_REUSE=0, get the same Codex-shaped agent loop over HTTP: each turn sends
 * the whole history again (as Codex 0.169 does), grown by the previous answer's items (as the shim
 * streamed them) and a new tool output, with Codex's session-id header. Turns alternate between
 * the two children in blocks, with the byte pass-through proxy relaying the same bodies as the
 * reference; CPU is each child's own (process.cpuUsage over IPC).
 * Run alone: `node bench/http-incremental-turns.ts [--quick]`.
 */
import { fileURLToPath } from "node:url";
import { cpuUs, startChild, type ChildServer } from "./child-server.ts";
import { historyOf, startUpstream, toolOutput, writeTurnBenchSettings } from "./ws-incremental-turns.ts";
import { codexRequestBody } from "../test/helpers/shared-fixtures.ts";
import { jsonFloorMs } from "./codex-shaped-requests.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export interface HttpTurnFigures {
  history_bytes: number;
  /** JSON floor of a turn's body at this history (parse + stringify + encode, this process). */
  floor_ms: number;
  reuse_cpu_ms: number;
  fresh_cpu_ms: number;
  /** The byte pass-through proxy relaying the same bodies (what any gateway pays at least). */
  passthrough_cpu_ms: number;
  /** Time of a whole turn (the upstream answers at once), reuse thread − pass-through, p50. */
  added_turn_ms_p50: number;
}

/** One thread of turns against one child: `next()` sends a turn and grows the history by its answer; `last` is the body it sent. */
function thread(shim: ChildServer, history: unknown[], id: string) {
  const t1 = codexRequestBody("tool-loop-turn1");
  const base = { model: "shim-model", tools: t1.tools, tool_choice: "auto", parallel_tool_calls: true, reasoning: t1.reasoning, store: false, stream: true, include: t1.include, prompt_cache_key: id };
  let input = [...history];
  const turn = async () => {
    turn.last = JSON.stringify({ ...base, input });
    const t0 = performance.now();
    const res = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", "session-id": id }, body: turn.last });
    const text = await res.text();
    turn.times.push(performance.now() - t0);
    if (!text.includes("response.completed")) throw new Error(`HTTP turn failed: ${text.slice(0, 300)}`);
    const items = text
      .split("\n")
      .filter((l) => l.startsWith("data: ") && l.includes('"response.output_item.done"'))
      .map((l) => JSON.parse(l.slice(6)).item);
    input = [...input, ...items, toolOutput("call_next")];
  };
  turn.last = "";
  turn.times = [] as number[];
  return turn;
}

/** The pass-through relays the body the reuse thread sent last (the upstream answers anything with the same stream). */
function relay(proxy: ChildServer, source: { last: string }) {
  const turn = async () => {
    const t0 = performance.now();
    const res = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: source.last });
    if (!(await res.text()).includes("[DONE]")) throw new Error("pass-through turn failed");
    turn.times.push(performance.now() - t0);
  };
  turn.times = [] as number[];
  return turn;
}

async function measure(reuse: ChildServer, fresh: ChildServer, proxy: ChildServer, bytes: number, turns: number): Promise<HttpTurnFigures> {
  const history = historyOf(bytes);
  const tag = `${bytes}-${Date.now()}`;
  const a = thread(reuse, history, `bench-a-${tag}`);
  const b = thread(fresh, history, `bench-b-${tag}`);
  const p = relay(proxy, a);
  for (let i = 0; i < 10; i++) {
    await a();
    await b();
    await p();
  }
  const floor = jsonFloorMs(a.last);
  a.times.length = 0;
  p.times.length = 0;
  const cpu = { a: 0, b: 0, p: 0 };
  const BLOCK = 5;
  const subjects: ["a" | "b" | "p", ChildServer, () => Promise<void>][] = [["a", reuse, a], ["b", fresh, b], ["p", proxy, p]];
  for (let done = 0, round = 0; done < turns; done += BLOCK, round++) {
    // the reuse thread goes first in every round (the pass-through relays its newest body); the others rotate
    const order = [subjects[0], ...(round % 2 ? [subjects[2], subjects[1]] : [subjects[1], subjects[2]])];
    for (const [k, child, turn] of order) {
      const c0 = await cpuUs(child);
      for (let i = 0; i < BLOCK; i++) await turn();
      cpu[k] += ((await cpuUs(child)) - c0) / 1000;
    }
  }
  return { history_bytes: JSON.stringify(history).length, floor_ms: floor, reuse_cpu_ms: cpu.a / turns, fresh_cpu_ms: cpu.b / turns, passthrough_cpu_ms: cpu.p / turns, added_turn_ms_p50: median(a.times) - median(p.times) };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

export async function runHttpIncrementalTurnsBench(opts: { quick?: boolean; execArgv?: string[]; log?: (s: string) => void } = {}): Promise<HttpTurnFigures[]> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const up = await startUpstream();
  const settingsFile = writeTurnBenchSettings(up.url, "codex-shim-httpturns-");
  const reuse = await startChild("shim-reuse", here("./shim-child-entry.mjs"), [settingsFile], { execArgv: opts.execArgv ?? [] });
  // The control child reuses nothing of an earlier turn: neither its translation nor its parse.
  const fresh = await startChild("shim-fresh", here("./shim-child-entry.mjs"), [settingsFile], {
    execArgv: opts.execArgv ?? [],
    env: { CODEX_SHIM_HTTP_TURN_REUSE: "0", CODEX_SHIM_BODY_PREFIX_REUSE: "0" },
  });
  const proxy = await startChild("passthrough-turns", here("./passthrough-child.mjs"), [up.url]);
  try {
    const turns = opts.quick ? 20 : 60;
    const out: HttpTurnFigures[] = [];
    log(`\nHTTP agent loop, whole history every turn (${turns} turns each, interleaved): shim CPU per turn, reusing the previous turn's translation vs translating all of it`);
    for (const bytes of [30 * 1024, 250 * 1024, 1024 * 1024]) {
      const f = await measure(reuse, fresh, proxy, bytes, turns);
      out.push(f);
      const target = f.passthrough_cpu_ms + 1.5 * f.floor_ms;
      log(
        `  ${(f.history_bytes / 1024).toFixed(0).padStart(5)} KB history: reuse ${f.reuse_cpu_ms.toFixed(2)} ms, fresh ${f.fresh_cpu_ms.toFixed(2)} ms (${(f.reuse_cpu_ms / f.fresh_cpu_ms).toFixed(2)}×); ` +
          `pass-through ${f.passthrough_cpu_ms.toFixed(2)} ms, JSON floor ${f.floor_ms.toFixed(2)} ms: reuse ${f.reuse_cpu_ms <= target ? "within" : "over"} pass-through + 1.5× floor (${target.toFixed(2)} ms); turn time added over the pass-through ${f.added_turn_ms_p50.toFixed(2)} ms (p50)`,
      );
    }
    return out;
  } finally {
    await reuse.stop();
    await fresh.stop();
    await proxy.stop();
    await new Promise<void>((r) => up.server.close(() => r()));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runHttpIncrementalTurnsBench({ quick: process.argv.includes("--quick"), execArgv: ["--max-semi-space-size=2"] }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
