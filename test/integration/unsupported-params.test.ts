import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, chatTextStep, httpErrorStep, type ScriptStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { anthropicStep } from "../helpers/anthropic-sse.ts";
import { codexRequestBody, readSharedFixture } from "../helpers/shared-fixtures.ts";

/**
 * Strip-and-retry (D12) through the real server: a loopback upstream that refuses optional fields
 * the way real providers do, and a real Codex 0.169 request body (tools, tool_choice,
 * parallel_tool_calls, reasoning effort "medium").
 */

const OPENAI_REJECTS_REASONING_EFFORT = {
  error: {
    message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
    type: "invalid_request_error",
    param: "reasoning_effort",
    code: "unsupported_parameter",
  },
};

const pydanticExtra = (field: string, input: unknown) => ({ detail: [{ type: "extra_forbidden", loc: ["body", field], msg: "Extra inputs are not permitted", input }] });

/** An upstream that refuses a request while it carries any field of `rejected` (checked in order). */
function strictUpstream(rejected: Array<[field: string, reject: ScriptStep]>, ok: ScriptStep): ScriptStep {
  return (req, res) => {
    for (const [field, reject] of rejected) if (field in req.body) return reject(req, res);
    return ok(req, res);
  };
}

let up: ScriptedUpstream;
let shim: TestShim;

const row = (slug: string, model: string, extra: Record<string, unknown> = {}) => ({ slug, model, provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-unsupported-params-key-1234", ...extra });

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([
    row("openai-like", "gpt-4.1-like"),
    row("vllm-like", "qwen-vllm"),
    row("unrelated", "strict-but-other"),
    row("still-fails", "fails-twice"),
    row("token-cap", "reasoning-like", { max_output_tokens: 4000 }),
    row("always-rejects", "rejects-everything"),
    row("messages-chat", "chat-behind-messages"),
    { slug: "claude-compat", model: "claude-opus-4-6", provider: "anthropic", base_url: `${up.url}/anth/v1`, api_key: "sk-ant-compat-key-1234" },
  ]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const codexTurn = (slug: string) => ({ ...codexRequestBody("text-turn1"), model: slug });

async function completedText(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  const events = parseSseEvents(await res.text());
  expect(events.at(-1).type).toBe("response.completed");
  return events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
}

function withoutField(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _gone, ...rest } = body;
  return rest;
}

/** The summary log line of the n-th most recent request. */
const summaryLine = (fromEnd = 1) => shim.logs.filter((l) => l.startsWith("[req]")).at(-fromEnd) ?? "";

describe("an upstream that rejects an optional parameter before streaming", () => {
  it("OpenAI-style 400 unsupported_parameter: drops reasoning_effort, retries once, and remembers it", async () => {
    up.requests.length = 0;
    up.setScript([strictUpstream([["reasoning_effort", httpErrorStep(400, OPENAI_REJECTS_REASONING_EFFORT)]], chatTextStep("answered without effort"))]);

    expect(await completedText(await postResponses(shim, codexTurn("openai-like")))).toBe("answered without effort");
    expect(up.requests).toHaveLength(2);
    const [first, second] = up.requests.map((r) => r.body);
    expect(first.reasoning_effort).toBe("medium");
    expect(second.reasoning_effort).toBeUndefined();
    // nothing else changed between the two attempts
    expect(second).toEqual(withoutField(first, "reasoning_effort"));
    expect(second.tools.length).toBeGreaterThan(0);
    expect(summaryLine()).toContain("dropped unsupported parameter reasoning_effort for model gpt-4.1-like");
    expect(summaryLine()).toContain("upstream=200");

    // the next request for this model leaves it out at once, without a failed round trip, and logs nothing more
    up.requests.length = 0;
    expect(await completedText(await postResponses(shim, codexTurn("openai-like")))).toBe("answered without effort");
    expect(up.requests).toHaveLength(1);
    expect(up.requests[0]!.body.reasoning_effort).toBeUndefined();
    expect(up.requests[0]!.body.parallel_tool_calls).toBe(true);
    expect(summaryLine()).not.toContain("dropped unsupported parameter");
  });

  it("vLLM/pydantic-style 422 detail[].loc, then a 400 naming another field: two retries, both remembered", async () => {
    up.requests.length = 0;
    up.setScript([
      strictUpstream(
        [
          ["reasoning_effort", httpErrorStep(422, pydanticExtra("reasoning_effort", "medium"))],
          // vLLM's 400 wraps the pydantic list as text
          [
            "parallel_tool_calls",
            httpErrorStep(400, {
              object: "error",
              message: "[{'type': 'extra_forbidden', 'loc': ('body', 'parallel_tool_calls'), 'msg': 'Extra inputs are not permitted', 'input': True}]",
              type: "BadRequestError",
              param: null,
              code: 400,
            }),
          ],
        ],
        chatTextStep("strict server answered"),
      ),
    ]);
    expect(await completedText(await postResponses(shim, codexTurn("vllm-like")))).toBe("strict server answered");
    expect(up.requests).toHaveLength(3);
    const last = up.requests[2]!.body;
    expect(last.reasoning_effort).toBeUndefined();
    expect(last.parallel_tool_calls).toBeUndefined();
    expect(last.tool_choice).toBe("auto");
    expect(last.stream_options).toEqual({ include_usage: true });
    expect(summaryLine()).toContain("dropped unsupported parameter reasoning_effort for model qwen-vllm; dropped unsupported parameter parallel_tool_calls for model qwen-vllm");

    up.requests.length = 0;
    await completedText(await postResponses(shim, codexTurn("vllm-like")));
    expect(up.requests).toHaveLength(1);
  });

  it("a 400 about something else is not retried, and nothing is remembered", async () => {
    const other = {
      error: {
        message: "Invalid 'messages[1].content': string too long. Expected a string with maximum length 1048576, but got a string with length 2000000 instead.",
        type: "invalid_request_error",
        param: "messages[1].content",
        code: "string_above_max_length",
      },
    };
    up.requests.length = 0;
    up.setScript([httpErrorStep(400, other)]);
    const res = await postResponses(shim, codexTurn("unrelated"));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("string too long");
    expect(up.requests).toHaveLength(1);
    expect(summaryLine()).not.toContain("dropped");

    // the recorded Qwen 400 (bad replayed arguments) is not about an optional field either
    up.requests.length = 0;
    up.setScript([httpErrorStep(400, readSharedFixture("upstream-recorded/alibaba-qwen/qwen-plus-malformed-replayed-tool-arguments-error.json"))]);
    expect((await postResponses(shim, codexTurn("unrelated"))).status).toBe(400);
    expect(up.requests).toHaveLength(1);

    up.requests.length = 0;
    up.setScript([chatTextStep("fine")]);
    await completedText(await postResponses(shim, codexTurn("unrelated")));
    expect(up.requests[0]!.body.reasoning_effort).toBe("medium");
  });

  it("when the retry fails too, the final error is mapped as before", async () => {
    up.requests.length = 0;
    up.setScript([httpErrorStep(400, OPENAI_REJECTS_REASONING_EFFORT), httpErrorStep(401, { error: { message: "Incorrect API key provided: sk-unsupported-params-key-1234" } })]);
    const res = await postResponses(shim, codexTurn("still-fails"));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("model still-fails");
    expect(text).toContain("Incorrect API key");
    expect(text).not.toContain("sk-unsupported-params-key-1234");
    expect(up.requests).toHaveLength(2);
    expect(up.requests[1]!.body.reasoning_effort).toBeUndefined();
  });

  it("max_tokens rejected (recorded OpenAI body): sent again as max_completion_tokens with the same value", async () => {
    up.requests.length = 0;
    const fixture = readSharedFixture("upstream-recorded/openai-chat/reasoning-model-legacy-parameter-error.json");
    up.setScript([strictUpstream([["max_tokens", httpErrorStep(400, fixture)]], chatTextStep("capped"))]);
    expect(await completedText(await postResponses(shim, codexTurn("token-cap")))).toBe("capped");
    expect(up.requests).toHaveLength(2);
    expect(up.requests[0]!.body.max_tokens).toBe(4000);
    expect(up.requests[1]!.body.max_tokens).toBeUndefined();
    expect(up.requests[1]!.body.max_completion_tokens).toBe(4000);
    expect(summaryLine()).toContain("sent max_completion_tokens instead of unsupported parameter max_tokens for model reasoning-like");

    up.requests.length = 0;
    await completedText(await postResponses(shim, codexTurn("token-cap")));
    expect(up.requests).toHaveLength(1);
    expect(up.requests[0]!.body.max_completion_tokens).toBe(4000);
  });

  it("gives up after three retries", async () => {
    up.requests.length = 0;
    up.setScript([
      (req, res) => {
        const optional = ["reasoning_effort", "parallel_tool_calls", "tool_choice", "stream_options"].find((f) => f in req.body);
        return httpErrorStep(400, { error: { message: `Unsupported parameter: '${optional}' is not supported with this model.`, param: optional, code: "unsupported_parameter" } })(req, res);
      },
    ]);
    const res = await postResponses(shim, codexTurn("always-rejects"));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("'stream_options' is not supported");
    expect(up.requests).toHaveLength(4);
    expect(up.requests[3]!.body.stream_options).toEqual({ include_usage: true });
  });

  it("Anthropic-compatible server: 'output_config: Extra inputs are not permitted' drops output_config, keeps thinking", async () => {
    up.requests.length = 0;
    const rejectOutputConfig = httpErrorStep(400, { type: "error", error: { type: "invalid_request_error", message: "output_config: Extra inputs are not permitted" } });
    up.setScript([strictUpstream([["output_config", rejectOutputConfig]], anthropicStep({ text: "claude-compatible answer" }))]);
    expect(await completedText(await postResponses(shim, codexTurn("claude-compat")))).toBe("claude-compatible answer");
    expect(up.requests).toHaveLength(2);
    expect(up.requests[0]!.url).toBe("/anth/v1/messages");
    expect(up.requests[0]!.body.output_config).toBeDefined();
    expect(up.requests[1]!.body.output_config).toBeUndefined();
    expect(up.requests[1]!.body.thinking).toEqual({ type: "adaptive" });
    expect(up.requests[1]!.body.max_tokens).toBe(up.requests[0]!.body.max_tokens);
    expect(summaryLine()).toContain("dropped unsupported parameter output_config for model claude-opus-4-6");
  });

  it("/v1/messages → chat upstream: the translated request's reasoning_effort is stripped the same way", async () => {
    up.requests.length = 0;
    up.setScript([strictUpstream([["reasoning_effort", httpErrorStep(422, pydanticExtra("reasoning_effort", "high"))]], chatTextStep("messages answer"))]);
    const res = await fetch(`${shim.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "messages-chat", max_tokens: 1000, stream: true, thinking: { type: "enabled", budget_tokens: 20000 }, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("event: message_stop");
    const deltas = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6))).filter((e) => e.delta?.type === "text_delta");
    expect(deltas.map((e) => e.delta.text).join("")).toBe("messages answer");
    expect(up.requests).toHaveLength(2);
    expect(up.requests[0]!.body.reasoning_effort).toBe("high");
    expect(up.requests[1]!.body.reasoning_effort).toBeUndefined();
    expect(summaryLine()).toContain("dropped unsupported parameter reasoning_effort for model chat-behind-messages");
  });
});
