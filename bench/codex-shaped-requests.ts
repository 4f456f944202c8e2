import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Request bodies shaped like what Codex really sends, built from the recorded Codex 0.169 turn
 * (`test/__fixtures__/codex-0.169/tool-loop-turn3.request.json`: its developer/environment
 * messages, the real tool list — function, freeform apply_patch, namespace, web_search — and its
 * history), with the history grown by real-shaped work cycles (user ask, reasoning, exec_command
 * call + output, apply_patch call + output, assistant answer) until the body reaches the wanted
 * size. Every cycle has fresh ids and some non-ASCII text, as real sessions do.
 */

const FIXTURE = fileURLToPath(new URL("../test/__fixtures__/codex-0.169/tool-loop-turn3.request.json", import.meta.url));

type Item = Record<string, unknown>;

export interface CodexShapedBody {
  /** Approximate size asked for, in bytes; the body is at least that big. */
  target: number;
  json: string;
  bytes: number;
  items: number;
}

function baseBody(): { body: Record<string, unknown>; head: Item[] } {
  const body = JSON.parse(readFileSync(FIXTURE, "utf8")).body as Record<string, unknown>;
  const input = body.input as Item[];
  // the developer messages and the environment context stay; the recorded tool loop is the first cycle
  return { body, head: input };
}

const SOURCE_LINES = [
  "export function parseConfig(text: string): Config {",
  "  const lines = text.split(/\\r?\\n/); // Zeilen — 行ごとに読む",
  "  for (const [i, line] of lines.entries()) {",
  "    if (!line.trim() || line.startsWith(\"#\")) continue;",
  "    const [key, ...rest] = line.split(\"=\");",
  "    out[key.trim()] = rest.join(\"=\").trim(); // café, naïve, señor",
  "  }",
  "  return out;",
  "}",
];

function cycle(n: number): Item[] {
  const file = `src/module_${n}.ts`;
  const listing = Array.from({ length: 40 }, (_, i) => `${String(i + 1).padStart(4)}  ${SOURCE_LINES[(i + n) % SOURCE_LINES.length]}`).join("\n");
  const patch = ["*** Begin Patch", `*** Update File: ${file}`, "@@", ...SOURCE_LINES.slice(0, 6).map((l) => `-${l}`), ...SOURCE_LINES.slice(0, 6).map((l) => `+${l.replace("const", "let")}`), "*** End Patch"].join("\n");
  return [
    { type: "message", id: `msg_u_${n}`, role: "user", content: [{ type: "input_text", text: `Step ${n}: refactor ${file} so parseConfig handles quoted values — “like this” — and keep the tests green.` }] },
    { type: "reasoning", id: `rs_a_${n}`, summary: [{ type: "summary_text", text: `**Reading ${file}** I need to see the current parser before changing it. Überprüfe die Schleife.` }], content: null, encrypted_content: null },
    { type: "function_call", status: "completed", id: `fc_${n}`, name: "exec_command", arguments: JSON.stringify({ cmd: `nl -ba ${file} | sed -n 1,40p`, workdir: "/home/dev/project", yield_time_ms: 10000 }), call_id: `call_exec_${n}` },
    { type: "function_call_output", id: `fco_${n}`, call_id: `call_exec_${n}`, output: `Chunk ID: ${n.toString(16).padStart(6, "0")}\nWall time: 0.0021 seconds\nProcess exited with code 0\nOriginal token count: 612\nOutput:\n${listing}\n` },
    { type: "reasoning", id: `rs_b_${n}`, summary: [{ type: "summary_text", text: "**Patching** Replace the split with a tokenizer that respects quotes." }], content: null, encrypted_content: null },
    { type: "custom_tool_call", id: `ctc_${n}`, status: "completed", call_id: `call_patch_${n}`, name: "apply_patch", input: patch },
    { type: "custom_tool_call_output", id: `ctco_${n}`, call_id: `call_patch_${n}`, output: `Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nM ${file}\n` },
    { type: "message", id: `msg_a_${n}`, role: "assistant", content: [{ type: "output_text", text: `Updated \`${file}\`: quoted values now keep their “=” signs; 12 tests pass. Nächster Schritt?` }] },
  ];
}

/** A Codex-shaped `/v1/responses` body of at least `target` bytes (the recorded turn alone is ~33 KB). */
export function codexShapedBody(target: number, model: string): CodexShapedBody {
  const { body, head } = baseBody();
  const input: Item[] = [...head];
  body.model = model;
  body.input = input;
  let json = JSON.stringify(body);
  // grow in whole cycles; estimate cycles from the first one's size to avoid quadratic re-stringifying
  const per = JSON.stringify(cycle(0)).length;
  let n = 0;
  while (Buffer.byteLength(json) < target) {
    const missing = target - Buffer.byteLength(json);
    const add = Math.max(1, Math.floor(missing / per));
    for (let i = 0; i < add; i++) input.push(...cycle(n++));
    json = JSON.stringify(body);
  }
  // the turn ends with the new user ask, as Codex sends it
  input.push({ type: "message", id: "msg_last", role: "user", content: [{ type: "input_text", text: "Now run the whole test suite and summarize the failures." }] });
  json = JSON.stringify(body);
  return { target, json, bytes: Buffer.byteLength(json), items: input.length };
}

/** The one-word body the old bench sent (kept as one row: the fixed per-request cost). */
export function tinyBody(model: string): CodexShapedBody {
  const json = JSON.stringify({
    model,
    stream: true,
    instructions: "You are a coding agent.",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }],
    tools: [],
    store: false,
    include: ["reasoning.encrypted_content"],
    reasoning: { effort: "medium", summary: "auto" },
  });
  return { target: 0, json, bytes: Buffer.byteLength(json), items: 1 };
}

/**
 * The JSON floor of a translating proxy for this body: parse + stringify + UTF-8 encode, in this
 * Node, median of a few runs (ms).
 */
export function jsonFloorMs(json: string, runs = 15): number {
  const times: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < runs + 5; i++) {
    gc?.(); // `npm run bench` runs with --expose-gc: time the JSON work, not the previous garbage
    const t0 = performance.now();
    Buffer.from(JSON.stringify(JSON.parse(json)), "utf8");
    const dt = performance.now() - t0;
    if (i >= 5) times.push(dt);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
