import { describe, expect, it } from "vitest";
import { readSharedFixture } from "../../test/helpers/shared-fixtures.ts";
import {
  MAX_PARAM_RETRIES,
  ParamRetry,
  UnsupportedParamMemory,
  adjustmentFor,
  applyAdjustments,
  detectRejectedParam,
} from "./unsupported-params.ts";

const CHAT_FIELDS = ["model", "messages", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort", "max_tokens", "verbosity"];
const ANTHROPIC_FIELDS = ["model", "max_tokens", "messages", "system", "tools", "thinking", "output_config", "stream"];

const OPENAI_REASONING_EFFORT = {
  error: {
    message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
    type: "invalid_request_error",
    param: "reasoning_effort",
    code: "unsupported_parameter",
  },
};

describe("detectRejectedParam: bodies that name an optional field", () => {
  const cases: Array<[string, number, unknown, string, boolean]> = [
    ["OpenAI unsupported_parameter", 400, OPENAI_REASONING_EFFORT, "reasoning_effort", false],
    ["OpenAI legacy 'Unrecognized request argument'", 400, { error: { message: "Unrecognized request argument supplied: parallel_tool_calls", type: "invalid_request_error", param: null, code: null } }, "parallel_tool_calls", false],
    [
      "OpenAI unsupported_value (only the value)",
      400,
      { error: { message: "Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: 'low', 'medium', and 'high'.", type: "invalid_request_error", param: "reasoning_effort", code: "unsupported_value" } },
      "reasoning_effort",
      true,
    ],
    ["Groq", 400, { error: { message: "`reasoning_effort` is not supported with this model", type: "invalid_request_error" } }, "reasoning_effort", false],
    ["FastAPI/pydantic 422 detail[].loc", 422, { detail: [{ type: "extra_forbidden", loc: ["body", "reasoning_effort"], msg: "Extra inputs are not permitted", input: "medium" }] }, "reasoning_effort", false],
    [
      "vLLM 400 with the pydantic list as text",
      400,
      { object: "error", message: "[{'type': 'extra_forbidden', 'loc': ('body', 'verbosity'), 'msg': 'Extra inputs are not permitted', 'input': 'low'}]", type: "BadRequestError", param: null, code: 400 },
      "verbosity",
      false,
    ],
    ["Mistral nested detail", 422, { object: "error", message: { detail: [{ type: "extra_forbidden", loc: ["body", "stream_options", "include_usage"], msg: "Extra inputs are not permitted" }] }, type: "invalid_request_error" }, "stream_options", false],
    ["pydantic literal_error (value)", 422, { detail: [{ type: "literal_error", loc: ["body", "reasoning_effort"], msg: "Input should be 'low', 'medium' or 'high'", input: "xhigh" }] }, "reasoning_effort", true],
    [
      "LiteLLM UnsupportedParamsError",
      400,
      { error: { message: "litellm.UnsupportedParamsError: groq does not support parameters: ['reasoning_effort'], for model=llama-3.1-8b-instant. To drop these, set `litellm.drop_params=True`", type: null, param: null, code: "400" } },
      "reasoning_effort",
      false,
    ],
    ["Gemini OpenAI-compatible (array body)", 400, [{ error: { code: 400, message: 'Invalid JSON payload received. Unknown name "verbosity": Cannot find field.', status: "INVALID_ARGUMENT" } }], "verbosity", false],
    ["camelCase field name", 400, { error: { message: "Model grok-x does not support parameter reasoningEffort.", type: "invalid_request_error" } }, "reasoning_effort", false],
    ["plain-text body", 400, "Error: unknown field `parallel_tool_calls`, expected one of `model`, `messages`", "parallel_tool_calls", false],
  ];
  for (const [name, status, body, field, valueOnly] of cases) {
    it(name, () => {
      expect(detectRejectedParam("chat", status, typeof body === "string" ? body : JSON.stringify(body), CHAT_FIELDS)).toEqual({ field, valueOnly });
    });
  }

  it("the recorded OpenAI max_tokens rejection names max_tokens", () => {
    const body = readSharedFixture("upstream-recorded/openai-chat/reasoning-model-legacy-parameter-error.json");
    expect(detectRejectedParam("chat", 400, body, CHAT_FIELDS)).toEqual({ field: "max_tokens", valueOnly: false });
  });

  it("Anthropic-compatible servers: thinking / output_config", () => {
    const extra = { type: "error", error: { type: "invalid_request_error", message: "output_config: Extra inputs are not permitted" } };
    expect(detectRejectedParam("anthropic", 400, JSON.stringify(extra), ANTHROPIC_FIELDS)).toEqual({ field: "output_config", valueOnly: false });
    const tag = { type: "error", error: { type: "invalid_request_error", message: "thinking.type: Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'" } };
    expect(detectRejectedParam("anthropic", 400, JSON.stringify(tag), ANTHROPIC_FIELDS)).toEqual({ field: "thinking", valueOnly: true });
  });
});

describe("detectRejectedParam: errors about something else", () => {
  const cases: Array<[string, number, unknown, (readonly string[])?]> = [
    ["a field that was not sent", 400, { error: { message: "Unsupported parameter: 'temperature' is not supported with this model.", param: "temperature", code: "unsupported_parameter" } }],
    ["a required field (messages)", 400, { error: { message: "Invalid 'messages[1].content': string too long.", type: "invalid_request_error", param: "messages[1].content", code: "string_above_max_length" } }],
    ["model is never dropped", 400, { error: { message: "Unsupported parameter: 'model' is not supported", param: "model", code: "unsupported_parameter" } }],
    ["context length", 400, { error: { message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens. Please reduce the length of the messages.", code: "context_length_exceeded" } }],
    ["max_tokens too large (a value the user must fix)", 400, { error: { message: "max_tokens is too large: 200000. This model supports at most 16384 completion tokens, whereas you provided 200000.", param: "max_tokens", code: null } }],
    ["pydantic error on a message", 422, { detail: [{ type: "extra_forbidden", loc: ["body", "messages", 2, "reasoning_effort"], msg: "Extra inputs are not permitted" }] }],
    ["pydantic error on a message, as text", 400, { message: "messages.1.content.0.type: Input tag 'thinking' found using 'type' does not match any of the expected tags. reasoning_effort unsupported?" }],
    ["401 with the right wording", 401, OPENAI_REASONING_EFFORT],
    ["500", 500, OPENAI_REASONING_EFFORT],
    ["empty body", 400, ""],
    ["HTML page", 400, "<html><body>Bad Request</body></html>"],
    ["Anthropic: max_tokens is required, never dropped", 400, { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Extra inputs are not permitted" } }, ANTHROPIC_FIELDS],
  ];
  for (const [name, status, body, fields] of cases) {
    it(name, () => {
      const wire = fields === ANTHROPIC_FIELDS ? "anthropic" : "chat";
      expect(detectRejectedParam(wire, status, typeof body === "string" ? body : JSON.stringify(body), fields ?? CHAT_FIELDS)).toBeUndefined();
    });
  }

  it("the recorded Qwen and Anthropic 400s are not about optional fields", () => {
    expect(detectRejectedParam("chat", 400, readSharedFixture("upstream-recorded/alibaba-qwen/qwen-plus-malformed-replayed-tool-arguments-error.json"), CHAT_FIELDS)).toBeUndefined();
    expect(detectRejectedParam("anthropic", 400, readSharedFixture("upstream-recorded/anthropic/anthropic-issue-17366-error.json"), ANTHROPIC_FIELDS)).toBeUndefined();
  });
});

describe("adjustments", () => {
  it("renames max_tokens ⇄ max_completion_tokens once, then drops", () => {
    const body: Record<string, unknown> = { model: "m", max_tokens: 500 };
    const tried = new Set<string>();
    const first = adjustmentFor("chat", { field: "max_tokens", valueOnly: false }, body, tried);
    expect(first).toEqual({ field: "max_tokens", action: "rename", to: "max_completion_tokens" });
    applyAdjustments(body, [first]);
    expect(body).toEqual({ model: "m", max_completion_tokens: 500 });
    tried.add("max_tokens").add("max_completion_tokens");
    expect(adjustmentFor("chat", { field: "max_completion_tokens", valueOnly: false }, body, tried)).toEqual({ field: "max_completion_tokens", action: "drop" });
  });

  it("a value-only drop applies only to that value", () => {
    const adj = adjustmentFor("chat", { field: "reasoning_effort", valueOnly: true }, { reasoning_effort: "minimal" }, new Set());
    const a: Record<string, unknown> = { reasoning_effort: "minimal" };
    const b: Record<string, unknown> = { reasoning_effort: "high" };
    expect(applyAdjustments(a, [adj])).toBe(true);
    expect(applyAdjustments(b, [adj])).toBe(false);
    expect(a).toEqual({});
    expect(b).toEqual({ reasoning_effort: "high" });
  });

  it("a long refused value (a schema) drops the whole field", () => {
    const body = { response_format: { type: "json_schema", json_schema: { name: "x", schema: { description: "d".repeat(400) } } } };
    expect(adjustmentFor("chat", { field: "response_format", valueOnly: true }, body, new Set())).toEqual({ field: "response_format", action: "drop" });
  });

});

describe("UnsupportedParamMemory", () => {
  it("is bounded, evicting the least recently used model", () => {
    const mem = new UnsupportedParamMemory(2);
    const k = (m: string) => UnsupportedParamMemory.key("chat", "http://h/v1/", m);
    mem.remember(k("a"), { field: "reasoning_effort", action: "drop" });
    mem.remember(k("b"), { field: "reasoning_effort", action: "drop" });
    mem.get(k("a"));
    mem.remember(k("c"), { field: "verbosity", action: "drop" });
    expect(mem.size).toBe(2);
    expect(mem.get(k("a"))).toBeDefined();
    expect(mem.get(k("b"))).toBeUndefined();
    expect(UnsupportedParamMemory.key("chat", "http://h/v1/", "a")).toBe(UnsupportedParamMemory.key("chat", "http://h/v1", "a"));
  });

  it("keeps one entry per field; a whole-field drop replaces value drops", () => {
    const mem = new UnsupportedParamMemory();
    mem.remember("k", { field: "reasoning_effort", action: "drop", value: '"minimal"' });
    mem.remember("k", { field: "reasoning_effort", action: "drop", value: '"high"' });
    mem.remember("k", { field: "verbosity", action: "drop" });
    expect(mem.get("k")).toHaveLength(3);
    mem.remember("k", { field: "reasoning_effort", action: "drop" });
    expect(mem.get("k")).toEqual([
      { field: "verbosity", action: "drop" },
      { field: "reasoning_effort", action: "drop" },
    ]);
  });
});

describe("ParamRetry", () => {
  const model = { baseUrl: "http://127.0.0.1:9/v1", model: "up" };
  const body = JSON.stringify({ model: "up", messages: [], stream: true, reasoning_effort: "medium", max_tokens: 100 });

  it("drops the rejected field, remembers it, and applies it to the next request without a round trip", () => {
    const mem = new UnsupportedParamMemory();
    const retry = ParamRetry.forWire("chat", model, mem);
    expect(retry.applyRemembered(body)).toBe(body);
    const step = retry.next(400, JSON.stringify(OPENAI_REASONING_EFFORT), body)!;
    expect(JSON.parse(step.body)).toEqual({ model: "up", messages: [], stream: true, max_tokens: 100 });
    expect(step.note).toBe("dropped unsupported parameter reasoning_effort for model up");
    const later = ParamRetry.forWire("chat", model, mem);
    expect(JSON.parse(later.applyRemembered(body))).toEqual({ model: "up", messages: [], stream: true, max_tokens: 100 });
    // another model at the same base URL is unaffected
    expect(ParamRetry.forWire("chat", { ...model, model: "other" }, mem).applyRemembered(body)).toBe(body);
    // the Anthropic wire of the same model is a different upstream
    expect(ParamRetry.forWire("anthropic", model, mem).applyRemembered(body)).toBe(body);
  });

  it(`stops after ${MAX_PARAM_RETRIES} retries`, () => {
    const mem = new UnsupportedParamMemory();
    const retry = ParamRetry.forWire("chat", model, mem);
    let sent = JSON.stringify({ model: "up", messages: [], reasoning_effort: "low", verbosity: "low", stream_options: { include_usage: true }, top_p: 0.5 });
    const reject = (f: string) => JSON.stringify({ error: { message: `Unsupported parameter: '${f}' is not supported with this model.`, param: f, code: "unsupported_parameter" } });
    for (const f of ["reasoning_effort", "verbosity", "stream_options"]) {
      const step = retry.next(400, reject(f), sent)!;
      expect(step).not.toBeNull();
      sent = step.body;
    }
    expect(retry.next(400, reject("top_p"), sent)).toBeNull();
    expect(Object.keys(JSON.parse(sent))).toEqual(["model", "messages", "top_p"]);
  });

  it("renames max_tokens, then drops the other name when that is rejected too", () => {
    const mem = new UnsupportedParamMemory();
    const retry = ParamRetry.forWire("chat", model, mem);
    const fixture = readSharedFixture("upstream-recorded/openai-chat/reasoning-model-legacy-parameter-error.json");
    const s1 = retry.next(400, fixture, body)!;
    expect(JSON.parse(s1.body)).toMatchObject({ max_completion_tokens: 100 });
    expect(JSON.parse(s1.body).max_tokens).toBeUndefined();
    expect(s1.note).toBe("sent max_completion_tokens instead of unsupported parameter max_tokens for model up");
    const s2 = retry.next(422, JSON.stringify({ detail: [{ type: "extra_forbidden", loc: ["body", "max_completion_tokens"], msg: "Extra inputs are not permitted" }] }), s1.body)!;
    expect(JSON.parse(s2.body).max_completion_tokens).toBeUndefined();
    expect(JSON.parse(s2.body).max_tokens).toBeUndefined();
    // remembered in order: rename, then drop
    const fresh = ParamRetry.forWire("chat", model, mem).applyRemembered(body);
    expect(JSON.parse(fresh)).toEqual({ model: "up", messages: [], stream: true, reasoning_effort: "medium" });
  });

  it("does nothing for other errors", () => {
    const mem = new UnsupportedParamMemory();
    const retry = ParamRetry.forWire("chat", model, mem);
    expect(retry.next(400, JSON.stringify({ error: { message: "bad request" } }), body)).toBeNull();
    expect(retry.next(429, JSON.stringify(OPENAI_REASONING_EFFORT), body)).toBeNull();
    expect(mem.size).toBe(0);
  });
});
