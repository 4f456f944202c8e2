import { describe, expect, it } from "vitest";
import { ResponsesEventWriter } from "./responses-event-writer.ts";
import { parseSseEvents } from "../../test/helpers/parse-sse.ts";
import { assertResponseResource, assertValidEventStream } from "../../test/helpers/open-responses-schema.ts";
import { buildUsage } from "./normalize-usage.ts";
import { buildResponseEcho } from "./build-response-resource.ts";
import type { ResponsesRequest } from "./responses-types.ts";

/** A request with every echoed field set, and Codex's tool kinds (function, custom, namespace, hosted). */
const fullRequest: ResponsesRequest = {
  model: "slug",
  instructions: "be brief",
  tools: [
    { type: "function", name: "exec_command", parameters: { type: "object", properties: {} } },
    { type: "custom", name: "apply_patch", description: "patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } },
    { type: "web_search" },
  ],
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: { effort: "high", summary: "auto" },
  text: { verbosity: "low" },
  temperature: 0.2,
  top_p: 0.9,
  max_output_tokens: 1000,
  store: false,
  prompt_cache_key: "thread-1",
  metadata: { a: "b" } as unknown as Record<string, string>,
  previous_response_id: "resp_prev",
  safety_identifier: "user-1",
  service_tier: "flex",
  top_logprobs: 2,
  presence_penalty: 0.5,
  frequency_penalty: 0.25,
  max_tool_calls: 4,
  truncation: "auto",
};

function run(request: ResponsesRequest | undefined, body: (w: ResponsesEventWriter) => void) {
  const w = new ResponsesEventWriter({ responseId: "resp_1", model: "slug", echo: buildResponseEcho(request), encodeReasoning: (t) => `enc:${t}` });
  w.start();
  body(w);
  const events = assertValidEventStream(parseSseEvents(w.take()));
  const obj = w.responseObject();
  assertResponseResource(obj);
  return { events, obj };
}

describe("ResponsesEventWriter against the Open Responses schema", () => {
  it("every event and the final object validate; the response echoes the request", () => {
    const { events, obj } = run(fullRequest, (w) => {
      w.appendReasoning("think");
      w.appendText("hi");
      const h = w.openFunctionCall("call_1", "exec_command");
      w.appendFunctionArgs(h, '{"cmd":"ls"}');
      w.emitCustomToolCall("call_2", "apply_patch", "*** Begin Patch\n*** End Patch");
      w.emitLocalShellCall("call_3", { type: "exec", command: ["ls"] });
      w.complete(buildUsage({ input: 3, output: 4 }));
    });
    for (const e of events.filter((e) => "response" in e)) assertResponseResource(e.response);
    // every request field is echoed as sent (metadata, previous_response_id, sampling, limits, …)
    const { model: _m, tools: _t, text: _x, input: _i, ...echoed } = fullRequest;
    expect(obj).toMatchObject({ ...echoed, status: "completed", background: false, text: { format: { type: "text" }, verbosity: "low" } });
    expect(obj.tools[0]).toEqual({ type: "function", name: "exec_command", parameters: { type: "object", properties: {} }, description: null, strict: null });
    expect(obj.completed_at).toBeTypeOf("number");
    expect(events[0].response.completed_at).toBeNull();
    expect(events[0].response.usage).toBeNull();
  });

  it("an empty request echoes nulls and the API defaults", () => {
    const { obj } = run({ model: "slug" }, (w) => w.complete());
    expect(obj).toMatchObject({
      previous_response_id: null,
      instructions: null,
      tools: [],
      reasoning: null,
      max_output_tokens: null,
      max_tool_calls: null,
      metadata: null,
      safety_identifier: null,
      prompt_cache_key: null,
      store: true,
      temperature: 1,
      top_p: 1,
      truncation: "disabled",
      service_tier: "default",
    });
  });

  it("failed and incomplete endings validate, keep-alives are full snapshots", () => {
    const failed = run(fullRequest, (w) => {
      w.appendText("partial");
      w.keepAlive();
      w.fail("server_error", "broke");
    });
    expect(failed.obj).toMatchObject({ status: "failed", error: { code: "server_error", message: "broke" }, completed_at: null });
    const keep = failed.events.filter((e) => e.type === "response.in_progress");
    expect(keep).toHaveLength(2);
    const inc = run(undefined, (w) => {
      w.appendReasoning("r");
      w.incomplete("max_output_tokens");
    });
    expect(inc.obj).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
  });

  it("the validator rejects what the schema forbids (it can fail)", () => {
    const { obj } = run(fullRequest, (w) => w.complete());
    expect(() => assertResponseResource({ ...obj, temperature: null })).toThrow(/temperature/);
    const { completed_at: _, ...missing } = obj;
    expect(() => assertResponseResource(missing)).toThrow(/completed_at/);
    expect(() => assertValidEventStream([{ type: "response.output_text.delta", sequence_number: 0 }])).toThrow();
    expect(() => assertResponseResource({ ...obj, output: [{ type: "reasoning", id: "rs_1", summary: [], encrypted_content: null }] })).toThrow();
  });
});
