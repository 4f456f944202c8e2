import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the mock served. */
export interface MockHit {
  model: string;
  kind: "classifier" | "answer" | "tool_call" | "rate_limited" | "context_overflow";
  /** The classifier's prompt or the answered request body (tests inspect these). */
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface MockUpstream {
  url: string;
  hits: MockHit[];
  /** Upstream models that answer 429 (with Retry-After 60) until removed. */
  rateLimited: Set<string>;
  /** Upstream models that reject every prompt as too long (HTTP 400 context_length_exceeded). */
  contextTooSmall: Set<string>;
  close(): Promise<void>;
}

const CLASSIFIER_MODEL = "router-classifier";

const HARD = /refactor|architecture|across files|race condition|migrate|concurren/i;
const MEDIUM = /endpoint|crud|implement|validation|feature/i;

/**
 * The keyword classifier of the original demo (reference-behavior §8.4): hard words → the third
 * candidate, medium words → the second, anything else → all capable.
 */
function keywordScores(task: string, slugs: string[]): Record<string, number> {
  const bands = HARD.test(task) ? [0.4, 0.55, 0.95] : MEDIUM.test(task) ? [0.5, 0.85, 0.95] : [0.9, 0.92, 0.95];
  return Object.fromEntries(slugs.map((s, i) => [s, bands[Math.min(i, bands.length - 1)]]));
}

function taskOf(userContent: string): string {
  const m = /current_task: \|\n([\s\S]*?)\n<\/session>/.exec(userContent);
  return m ? m[1] : userContent;
}

const sse = (chunks: unknown[]) => chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
const chunk = (model: string, delta: object, finish: string | null = null) => ({ id: "chatcmpl-mock", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] });

/**
 * A loopback OpenAI-compatible chat server standing in for several models at once: the
 * classifier model answers scores as JSON; every other model streams "answered by <model>", or a
 * shell tool call when the task says "run" and no tool output is in the history yet; a
 * rate-limited model answers 429.
 */
export async function startMockMultiModelUpstream(): Promise<MockUpstream> {
  const hits: MockHit[] = [];
  const rateLimited = new Set<string>();
  const contextTooSmall = new Set<string>();
  const server: Server = createServer(async (req, res) => {
    let raw = "";
    for await (const c of req) raw += c;
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      res.writeHead(400).end("bad json");
      return;
    }
    const model = String(body.model ?? "");
    const messages: any[] = Array.isArray(body.messages) ? body.messages : [];
    if (model === CLASSIFIER_MODEL) {
      const user = String(messages.find((m) => m.role === "user")?.content ?? "");
      const slugs = (/Score these candidate slugs: (.*)$/m.exec(user)?.[1] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      hits.push({ model, kind: "classifier", body, headers: req.headers });
      const content = JSON.stringify({ scores: keywordScores(taskOf(user), slugs), reasoning: "keyword mock" });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ choices: [{ message: { role: "assistant", content } }], usage: { prompt_tokens: 120, completion_tokens: 20 } }));
      return;
    }
    if (rateLimited.has(model)) {
      hits.push({ model, kind: "rate_limited", body, headers: req.headers });
      res.writeHead(429, { "content-type": "application/json", "retry-after": "60" }).end(JSON.stringify({ error: { message: "Rate limit reached", type: "rate_limit_exceeded" } }));
      return;
    }
    if (contextTooSmall.has(model)) {
      hits.push({ model, kind: "context_overflow", body, headers: req.headers });
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "This model's maximum context length is 128000 tokens.", code: "context_length_exceeded" } }));
      return;
    }
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    const text = typeof lastUser?.content === "string" ? lastUser.content : Array.isArray(lastUser?.content) ? lastUser.content.map((p: any) => p.text ?? "").join("") : "";
    const hasToolOutput = messages.some((m) => m.role === "tool");
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (/\brun\b/i.test(text) && !hasToolOutput) {
      hits.push({ model, kind: "tool_call", body, headers: req.headers });
      const call = { index: 0, id: `call_${hits.length}`, type: "function", function: { name: "exec_command", arguments: JSON.stringify({ cmd: "echo routed" }) } };
      res.end(sse([chunk(model, { role: "assistant", tool_calls: [call] }), chunk(model, {}, "tool_calls")]));
      return;
    }
    hits.push({ model, kind: "answer", body, headers: req.headers });
    // "think" in the task: the answer carries reasoning (DeepSeek-style reasoning_content)
    const thinking = /\bthink\b/i.test(text) ? [chunk(model, { role: "assistant", reasoning_content: `thinking by ${model}` })] : [];
    res.end(sse([...thinking, chunk(model, { role: "assistant", content: `answered by ${model}` }), chunk(model, {}, "stop"), { id: "chatcmpl-mock", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 } }]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    rateLimited,
    contextTooSmall,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The demo's settings: three candidates and the classifier, all on the mock (key `k`, not a secret). */
export function demoSettings(upstreamUrl: string, classifier = CLASSIFIER_MODEL): Record<string, unknown> {
  const row = (model: string, slug: string) => ({ model, slug, provider: "openai", base_url: `${upstreamUrl}/v1`, api_key: "sk-demo-router-key-0000" });
  return {
    models: [row("cheap-model", "cheap"), row("mid-model", "mid"), { ...row("strong-model", "strong"), max_context_limit: 400_000 }, row(CLASSIFIER_MODEL, "classifier")],
    router: {
      enabled: true,
      classifier,
      threshold: 0.7,
      default: "cheap",
      cache: true,
      candidates: [
        { slug: "cheap", cost: 0.3, card: "Small fast model: one-line edits, renames, quick answers." },
        { slug: "mid", cost: 1.0, card: "Solid coder: features, endpoints, tests in a few files." },
        { slug: "strong", cost: 5.0, card: "Frontier model: cross-file refactors, hard debugging; reads images.", supports_images: true },
      ],
    },
  };
}
