import type { ServerResponse } from "node:http";
import { chatChunk, chatSse, startScriptedUpstream, type RecordedRequest, type ScriptedUpstream } from "./scripted-upstream.ts";
import { startTestShim, type TestShim } from "./start-test-shim.ts";

/**
 * A shim and a loopback chat upstream that answers by upstream model name, for the flow
 * inspector's tests: `ok` (text), `tools` (two tool calls), `limited` (429 + Retry-After),
 * `slow` (streams one chunk, then holds the stream until released), `hostile` (a tool call with a
 * hostile name), `strict` (rejects `reasoning_effort` with a 400 unsupported_parameter).
 */
export interface InspectorRig {
  up: ScriptedUpstream;
  shim: TestShim;
  /** Ends every held `slow` stream. */
  releaseSlow(): void;
  close(): Promise<void>;
}

/** Strings that run script if a page ever puts them into HTML. */
export const HOSTILE_MODEL = '<img src=x onerror="window.__xss=1">';
export const HOSTILE_TOOL = '<img src=x onerror="window.__xss=2">';
export const HOSTILE_AGENT = "<svg onload=window.__xss=3>/1.0";

export const SECRET_KEY = "sk-inspector-secret-0123456789";

export async function startInspectorRig(opts: { env?: NodeJS.ProcessEnv; extraRows?: unknown[]; settings?: Record<string, unknown> } = {}): Promise<InspectorRig> {
  const held = new Set<ServerResponse>();
  const step = (req: RecordedRequest, res: ServerResponse) => {
    const model = (req.body as { model?: string })?.model;
    if (model === "up-429") {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
      res.end(JSON.stringify({ error: { message: "Rate limit reached for requests per minute", type: "rate_limit_error", code: "rate_limit_exceeded" } }));
      return;
    }
    if (model === "up-strict" && "reasoning_effort" in (req.body as object)) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.", type: "invalid_request_error", param: "reasoning_effort", code: "unsupported_parameter" } }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (model === "up-tools") {
      res.end(
        chatSse([
          chatChunk({ role: "assistant", content: "" }),
          chatChunk({ tool_calls: [{ index: 0, id: "call_shell_1", type: "function", function: { name: "shell", arguments: '{"command":["ls","-la"]}' } }] }),
          chatChunk({ tool_calls: [{ index: 1, id: "call_read_2", type: "function", function: { name: "read_file", arguments: '{"path":"README.md"}' } }] }),
          chatChunk({}, "tool_calls"),
          { id: "chatcmpl-test", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1024 } } },
        ]),
      );
      return;
    }
    if (model === "up-hostile") {
      res.end(
        chatSse([
          chatChunk({ role: "assistant", content: "" }),
          chatChunk({ tool_calls: [{ index: 0, id: "call_<b>x</b>", type: "function", function: { name: HOSTILE_TOOL, arguments: "{}" } }] }),
          chatChunk({}, "tool_calls"),
        ]),
      );
      return;
    }
    if (model === "up-slow") {
      res.write(chatSse([chatChunk({ role: "assistant", content: "" }), chatChunk({ content: "thinking about it" })], { done: false }));
      held.add(res);
      res.once("close", () => held.delete(res));
      return;
    }
    res.end(
      chatSse([
        chatChunk({ role: "assistant", content: "" }),
        chatChunk({ content: "Hello " }),
        chatChunk({ content: "from the upstream." }),
        chatChunk({}, "stop"),
        { id: "chatcmpl-test", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 } },
      ]),
    );
  };
  const up = await startScriptedUpstream([step]);
  const row = (slug: string, model: string) => ({ slug, model, provider: "openai", base_url: `${up.url}/v1`, api_key: SECRET_KEY });
  const models = [row("ok", "up-ok"), row("tools", "up-tools"), row("limited", "up-429"), row("slow", "up-slow"), row("hostile", "up-hostile"), row("strict", "up-strict"), ...(opts.extraRows ?? [])];
  const shim = await startTestShim({ models, ...opts.settings }, { env: opts.env ?? {} });
  return {
    up,
    shim,
    releaseSlow() {
      for (const r of held) r.end(chatSse([chatChunk({ content: " done." }), chatChunk({}, "stop")]));
    },
    async close() {
      for (const r of held) r.destroy();
      await shim.close();
      await up.close();
    },
  };
}

/** What Codex 0.169 sends besides the body (codex-protocol §2), with a real-looking key. */
export const CODEX_HEADERS = {
  "content-type": "application/json",
  authorization: `Bearer ${SECRET_KEY}`,
  originator: "codex_exec",
  "user-agent": "codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.0)",
  "session-id": "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
  "thread-id": "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
  "x-codex-turn-metadata": JSON.stringify({ thread_id: "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", turn_id: "turn-0001", request_kind: "turn" }),
};

export async function post(shim: { url: string }, body: unknown, headers: Record<string, string> = CODEX_HEADERS, path = "/v1/responses"): Promise<Response> {
  return fetch(`${shim.url}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

export async function waitFor<T>(fn: () => T | undefined | false, ms = 3000, what = "condition"): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
