import { Agent } from "node:http";
import { convertResponsesRequestToAnthropic } from "../adapters/anthropic/convert-responses-request-to-anthropic.ts";
import { parseSettings } from "../adapters/settings/parse-settings.ts";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";
import { codexShapedBody, jsonFloorMs, tinyBody } from "./codex-shaped-requests.ts";
import type { StreamKind } from "./mock-stream-scripts.ts";
import { coldBodies } from "./cold-bodies.ts";

/**
 * What the bench sends: for each body size and each shim route, the same bytes three ways —
 * (a) straight to the mock upstream, (b) through the byte pass-through proxy, (c) through the shim.
 */
export type Route = "chat" | "anthropic" | "messages" | "responses" | "chatgpt";
export type Target = "direct" | "passthrough" | "shim";
export const TARGETS: Target[] = ["direct", "passthrough", "shim"];
/** responses = a native Responses row (provider openai-responses); chatgpt = the ChatGPT subscription passthrough. */
export const ROUTES: Route[] = ["chat", "anthropic", "messages", "responses", "chatgpt"];
export const KINDS: StreamKind[] = ["text", "tool"];

export interface Endpoint {
  url: URL;
  /** The body of the next request (a fresh session's first turn each time it is read). */
  readonly body: string;
  /** A substring of the first chunk that carries answer content, in that endpoint's wire format. */
  marker: string;
  agent: Agent;
  /** Headers of the request whose `body` was read last: its session's `session-id`, as Codex sends one with every turn. */
  readonly headers?: Record<string, string>;
}

export interface SizeCase {
  label: string;
  bytes: number;
  /** parse + stringify + encode of the Codex body, ms (measured in this run). */
  floorMs: number;
  responses: string;
  messages: string;
  messagesBytes: number;
}

/** The settings rows the shim child runs on: one per route × stream kind, all on the mock. */
export function benchSettings(mockUrl: string): Record<string, unknown> {
  const rows = [];
  for (const kind of KINDS) {
    rows.push({ model: "bench-model", slug: `chat-${kind}`, provider: "openai", base_url: `${mockUrl}/${kind}/v1`, api_key: "sk-bench-not-a-real-key" });
    rows.push({ model: "bench-model", slug: `anthropic-${kind}`, provider: "anthropic", base_url: `${mockUrl}/${kind}/v1`, api_key: "sk-ant-bench-not-a-real-key" });
    rows.push({ model: "bench-model", slug: `responses-${kind}`, provider: "openai-responses", base_url: `${mockUrl}/${kind}/v1`, api_key: "sk-bench-not-a-real-key" });
  }
  // a second chat row and the auto-router over both (heuristic classifier: no model call), for the cached-decision phase
  rows.push({ model: "bench-model", slug: "chat-text-2", provider: "openai", base_url: `${mockUrl}/text/v1`, api_key: "sk-bench-not-a-real-key" });
  const router = { enabled: true, classifier: "heuristic", candidates: [{ slug: "chat-text", cost: 1 }, { slug: "chat-text-2", cost: 2 }] };
  return { models: rows, router };
}

export function buildSizes(quick: boolean, mockUrl: string): SizeCase[] {
  const settings = parseSettings(benchSettings(mockUrl), null);
  const anthropicRow = settings.models.find((m) => m.slug === "anthropic-text")!;
  const sizes: [string, () => { json: string; bytes: number }][] = [
    ['"go"', () => tinyBody("MODEL")],
    ["~30 KB", () => codexShapedBody(30_000, "MODEL")],
    ["~250 KB", () => codexShapedBody(250_000, "MODEL")],
    ["~1 MB", () => codexShapedBody(1_000_000, "MODEL")],
  ];
  return sizes.map(([label, make]) => {
    const b = make();
    // `/v1/messages` gets the same conversation as an Anthropic Messages request
    const anth = convertResponsesRequestToAnthropic(JSON.parse(b.json) as ResponsesRequest, anthropicRow, []).body;
    const messages = JSON.stringify({ ...anth, model: "MODEL", stream: true });
    return { label, bytes: b.bytes, floorMs: jsonFloorMs(b.json), responses: b.json, messages, messagesBytes: Buffer.byteLength(messages) };
  });
}

const MARKERS: Record<"chat" | "anthropic" | "responses" | "messages-out", Record<StreamKind, string>> = {
  // (responses = the shim's Responses output, also what a native Responses upstream sends)
  chat: { text: '"content":"tok', tool: '"tool_calls"' },
  anthropic: { text: '"text_delta"', tool: '"tool_use"' },
  responses: { text: "output_text.delta", tool: "response.output_item.added" },
  "messages-out": { text: '"text_delta"', tool: '"tool_use"' },
};

/** An endpoint whose `body` is a new session's first turn at every read (bench/cold-bodies.ts). */
export function coldEndpoint(url: URL, body: string, marker: string, agent: Agent): Endpoint {
  const bodyOf = coldBodies(body);
  const tag = Math.random().toString(36).slice(2, 8);
  let n = 0;
  let headers: Record<string, string> = {};
  return {
    url,
    marker,
    agent,
    get body() {
      const session = n++;
      headers = { "session-id": `bench-${tag}-${session}` };
      return bodyOf(session);
    },
    get headers() {
      return headers;
    },
  };
}

/** The three endpoints of one (size, route, kind) cell; the model name is set per endpoint. */
export function endpointsFor(size: SizeCase, route: Route, kind: StreamKind, urls: { mock: string; proxy: string; shim: string }, agents: Record<Target, Agent>): Record<Target, Endpoint> {
  const slug = route === "anthropic" ? `anthropic-${kind}` : route === "responses" ? `responses-${kind}` : route === "chatgpt" ? "gpt-5.5" : `chat-${kind}`;
  const upstreamPath = route === "anthropic" ? `/${kind}/v1/messages` : route === "responses" ? `/${kind}/v1/responses` : route === "chatgpt" ? `/${kind}/chatgpt/responses` : `/${kind}/v1/chat/completions`;
  const clientBody = (route === "messages" ? size.messages : size.responses).replace('"model":"MODEL"', `"model":"${slug}"`);
  const upstreamMarker = MARKERS[route === "anthropic" ? "anthropic" : route === "responses" || route === "chatgpt" ? "responses" : "chat"][kind];
  const shimPath = route === "messages" ? "/v1/messages" : "/v1/responses";
  const shimMarker = MARKERS[route === "messages" ? "messages-out" : "responses"][kind];
  return {
    direct: coldEndpoint(new URL(urls.mock + upstreamPath), clientBody, upstreamMarker, agents.direct),
    passthrough: coldEndpoint(new URL(urls.proxy + upstreamPath), clientBody, upstreamMarker, agents.passthrough),
    shim: coldEndpoint(new URL(urls.shim + shimPath), clientBody, shimMarker, agents.shim),
  };
}
