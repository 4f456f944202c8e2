/**
 * CPU of each step a Codex request body passes through inside the shim, in one process, without
 * the network: read (UTF-8 check, decode, JSON.parse, depth check), validation, the chat and
 * Anthropic routes' prepare (conversion + serialization to UTF-8 bytes), the read and the native
 * Responses prepare when a thread's turns share their history (server/body-prefix-reuse.ts), and the conversation
 * cache's entry (sized from the body's length, or by walking the history without that hint). Each step is timed as the median of many runs,
 * next to the JSON floor of the same body. Usage: node --expose-gc bench/measure-body-path.ts [bytes...]
 */
import { isUtf8 } from "node:buffer";
import { exceedsDepth, MAX_JSON_DEPTH } from "../server/json-depth.ts";
import { BodyPrefixReuse, DEFAULT_BODY_PREFIX_LIMITS } from "../server/body-prefix-reuse.ts";
import { openaiResponsesRoute } from "../adapters/openai-responses/openai-responses-route.ts";
import { validateResponsesRequest } from "../adapters/responses/validate-responses-request.ts";
import { chatRoute } from "../adapters/chat/chat-route.ts";
import { anthropicRoute } from "../adapters/anthropic/anthropic-route.ts";
import { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import { parseSettings } from "../adapters/settings/parse-settings.ts";
import type { RouteContext, UpstreamRoute } from "../adapters/routes/upstream-route.ts";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";
import { codexShapedBody, jsonFloorMs } from "./codex-shaped-requests.ts";

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const settings = parseSettings(
  {
    models: [
      { model: "m", slug: "chat", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-x" },
      { model: "m", slug: "anth", provider: "anthropic", base_url: "http://127.0.0.1:9/v1", api_key: "sk-x" },
      { model: "m", slug: "resp", provider: "openai-responses", base_url: "http://127.0.0.1:9/v1", api_key: "sk-x" },
    ],
  },
  null,
);
const gc = (globalThis as { gc?: () => void }).gc;

/** `fn` may return a function: then that is what is timed (what `fn` did before it is set-up). */
function median(fn: () => unknown, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    let step = fn;
    if (fn.length === 1) {
      const set = (fn as unknown as (x: null) => () => unknown)(null);
      step = set;
    }
    gc?.();
    const t0 = performance.now();
    step();
    if (i >= 5) t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

function read(raw: Buffer): Record<string, unknown> {
  if (!isUtf8(raw)) throw new Error("utf8");
  const v = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
  if (exceedsDepth(v, MAX_JSON_DEPTH)) throw new Error("depth");
  return v;
}

function ctxFor(req: ResponsesRequest, slug: string): RouteContext {
  return { request: req, model: settings.models.find((m) => m.slug === slug)!, apiKey: "sk-x", requestedSlug: slug, notes: [] };
}

const cache = new ConversationCache();

const rows: string[] = [];
for (const bytes of sizes.length ? sizes : [30_000, 250_000, 1_000_000]) {
  const b = codexShapedBody(bytes, "chat");
  const raw = Buffer.from(b.json);
  const runs = bytes > 500_000 ? 25 : bytes > 100_000 ? 60 : 200;
  const body = validateResponsesRequest(read(raw));
  // the next turn of the same thread: the same history, two new items (server/body-prefix-reuse.ts)
  const next = Buffer.from(JSON.stringify({ ...body, input: [...(body.input as unknown[]), { type: "function_call_output", call_id: "c", output: "new ✓" }, { type: "message", role: "user", content: "next" }] }));
  const reuse = new BodyPrefixReuse();
  reuse.remember(raw, body, "t");
  // a body whose items are the turn before's (bodies below the reuse threshold are parsed whole)
  const parsedNext = reuse.parse(next, "t");
  const shared = parsedNext && validateResponsesRequest(parsedNext);
  const steps: [string, () => unknown][] = [
    ["read (utf8 check, decode, parse, depth)", () => read(raw)],
    ...(raw.length < DEFAULT_BODY_PREFIX_LIMITS.minBytes ? [] : ([[
      "read, 2nd turn (+ locating the 1st's items)",
      () => {
        const r = new BodyPrefixReuse();
        r.remember(raw, body, "t");
        if (!isUtf8(next) || !r.parse(next, "t")) throw new Error("no reuse");
      },
    ],
    [
      "read, later turns (history items reused)",
      () => {
        if (!isUtf8(next) || !reuse.parse(next, "t")) throw new Error("no reuse");
      },
    ]] as [string, () => unknown][])),
    ["validate", () => validateResponsesRequest(body)],
    ...(["chat", "anth"] as const).flatMap((slug): [string, () => unknown][] => {
      const route: UpstreamRoute = slug === "chat" ? chatRoute : anthropicRoute;
      const prepared = route.prepare(ctxFor(body, slug));
      return [
        [`${slug}: prepare (convert + serialize + encode)`, () => route.prepare(ctxFor(body, slug))],
        [`${slug}: cache entry, sized from the body length`, () => cache.remember({ responseId: "r", threadKey: "t", model: slug, input: body.input as never, output: [], upstreamMessages: prepared.upstreamMessages, sizeHint: raw.length })],
        [`${slug}: cache entry, history walked`, () => cache.remember({ responseId: "r", threadKey: "t", model: slug, input: body.input as never, output: [], upstreamMessages: prepared.upstreamMessages })],
      ];
    }),
    // (a fresh parse first, untimed)
    ["resp: prepare, items parsed afresh", ((_: null) => {
      const fresh = validateResponsesRequest(read(raw));
      return () => openaiResponsesRoute.prepare(ctxFor(fresh, "resp"));
    }) as unknown as () => unknown],
    ...(shared ? ([["resp: prepare, items shared with the turn before", () => openaiResponsesRoute.prepare(ctxFor(shared, "resp"))]] as [string, () => unknown][]) : []),
  ];
  rows.push(`\n${(b.bytes / 1024).toFixed(0)} KiB, ${b.items} items — JSON floor ${jsonFloorMs(b.json).toFixed(3)} ms`);
  for (const [name, fn] of steps) rows.push(`  ${name.padEnd(44)} ${median(fn, runs).toFixed(3).padStart(8)} ms`);
}
console.log(rows.join("\n"));
