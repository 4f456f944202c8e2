import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { startScriptedUpstream, chatSse, chatChunk, httpErrorStep, sseStep, type ScriptStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";

const recorded = (name: string) => readFileSync(new URL(`../__fixtures__/upstream-recorded/anthropic/${name}`, import.meta.url), "utf8");
/** A recorded Anthropic stream replayed as the upstream sent it (`event: <type>` + `data:`). */
const anthropicStep = (name: string): ScriptStep => (_req, res) => {
  res.writeHead(200, { "content-type": "text/event-stream", "request-id": "req_up_1" });
  const lines = recorded(name).split("\n").filter((l) => l.trim());
  res.end(lines.map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join(""));
};

let up: ScriptedUpstream;
let shim: TestShim;
let client: Anthropic;
const weatherTool = { name: "get_weather", description: "Weather for a city", input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] } };

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim(
    [
      { model: "up-chat-model", slug: "chat-m", provider: "openai", base_url: `${up.url}/chat/v1`, api_key: "sk-chat-upstream-key" },
      { model: "claude-upstream-model", slug: "claude-m", provider: "anthropic", base_url: `${up.url}/anth/v1`, api_key: "sk-ant-upstream-key-123" },
    ],
    { env: { ...process.env, CODEX_SHIM_DISABLE_CURSOR: "1", CODEX_SHIM_DISABLE_CHATGPT: "1" } },
  );
  client = new Anthropic({ apiKey: "not-used-by-the-shim", baseURL: shim.url, maxRetries: 0, timeout: 20_000 });
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.requests.length = 0;
});

describe("POST /v1/messages with the official Anthropic SDK → chat-completions upstream", () => {
  it("streams a tool-using conversation; finalMessage() is right on both turns", async () => {
    up.setScript([
      sseStep(
        chatSse([
          chatChunk({ role: "assistant", reasoning_content: "Need the weather." }),
          chatChunk({ content: "Let me check." }),
          chatChunk({ tool_calls: [{ index: 0, id: "call_w1", type: "function", function: { name: "get_weather", arguments: "" } }] }),
          chatChunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
          chatChunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
          chatChunk({}, "tool_calls"),
          { id: "x", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, prompt_tokens_details: { cached_tokens: 10 } } },
        ]),
      ),
      sseStep(chatSse([chatChunk({ content: "It is sunny" }), chatChunk({ content: " in Paris." }), chatChunk({}, "stop"), { id: "x", choices: [], usage: { prompt_tokens: 50, completion_tokens: 6 } }])),
    ]);
    const first = client.messages.stream({
      model: "chat-m",
      max_tokens: 512,
      system: "You are terse.",
      tools: [weatherTool],
      messages: [{ role: "user", content: "Weather in Paris?" }],
      stop_sequences: ["END"],
      temperature: 0.2,
    });
    const texts: string[] = [];
    first.on("text", (t) => texts.push(t));
    const m1 = await first.finalMessage();
    expect(texts.join("")).toBe("Let me check.");
    expect(m1.model).toBe("chat-m");
    expect(m1.stop_reason).toBe("tool_use");
    expect(m1.content).toEqual([
      { type: "thinking", thinking: "Need the weather.", signature: "" },
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "call_w1", name: "get_weather", input: { city: "Paris" } },
    ]);
    expect(m1.usage).toMatchObject({ input_tokens: 20, output_tokens: 12, cache_read_input_tokens: 10 });

    const sent1 = up.requests[0];
    expect(sent1.url).toBe("/chat/v1/chat/completions");
    expect(sent1.headers.authorization).toBe("Bearer sk-chat-upstream-key");
    expect(sent1.body).toMatchObject({
      model: "up-chat-model",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 512,
      temperature: 0.2,
      stop: ["END"],
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Weather in Paris?" },
      ],
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: weatherTool.input_schema } }],
      tool_choice: "auto",
    });

    const second = client.messages.stream({
      model: "chat-m",
      max_tokens: 512,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: m1.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_w1", content: "22°C, sunny" }] },
      ],
    });
    const m2 = await second.finalMessage();
    expect(m2.content).toEqual([{ type: "text", text: "It is sunny in Paris." }]);
    expect(m2.stop_reason).toBe("end_turn");
    expect(m2.usage).toMatchObject({ input_tokens: 50, output_tokens: 6 });
    expect(up.requests[1].body.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: "Let me check.", reasoning_content: "Need the weather.", tool_calls: [{ id: "call_w1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
      { role: "tool", tool_call_id: "call_w1", content: "22°C, sunny" },
    ]);
  });

  it("answers non-streaming requests with a whole message, images as image_url parts", async () => {
    up.setScript([sseStep(chatSse([chatChunk({ content: "A red dot." }), chatChunk({}, "length"), { id: "x", choices: [], usage: { prompt_tokens: 9, completion_tokens: 3 } }]))]);
    const m = await client.messages.create({
      model: "chat-m",
      max_tokens: 3,
      messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }, { type: "text", text: "What is this?" }] }],
    });
    expect(m.content).toEqual([{ type: "text", text: "A red dot." }]);
    expect(m.stop_reason).toBe("max_tokens");
    expect(up.requests[0].body.messages[0].content).toEqual([
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      { type: "text", text: "What is this?" },
    ]);
  });

  it("reports errors in Anthropic's shape: unknown model 404, upstream 429, a stream cut mid-way", async () => {
    await expect(client.messages.create({ model: "nope", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      status: 404,
      error: { type: "error", error: { type: "not_found_error" } },
    });
    up.setScript([httpErrorStep(429, { error: { message: "slow down", type: "rate_limit" } }, { "retry-after": "7" })]);
    const err = await client.messages.create({ model: "chat-m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.error.error.message).toContain("slow down");
    expect(JSON.stringify(err.error)).not.toContain("sk-chat-upstream-key");

    up.setScript([sseStep(chatSse([chatChunk({ content: "half" })], { done: false }))]);
    const stream = client.messages.stream({ model: "chat-m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] });
    await expect(stream.finalMessage()).rejects.toThrow(/stream ended before the response was complete/);
  });
});

describe("POST /v1/messages → Anthropic upstream (passthrough with the configured model and key)", () => {
  it("relays a recorded tool_use stream; finalMessage() equals the upstream's message with the slug as model", async () => {
    up.setScript([anthropicStep("anthropic-issue-11719-quoted-tool-input.chunks.txt"), anthropicStep("anthropic-text.chunks.txt")]);
    const tool = { name: "website_update", description: "Update a website", input_schema: { type: "object" as const, properties: {} } };
    const body = { model: "claude-m", max_tokens: 1024, tools: [tool], messages: [{ role: "user" as const, content: "Plan the update." }] };
    const stream = client.messages.stream(body, { headers: { "anthropic-beta": "fine-grained-tool-streaming-2025-05-14" } });
    const m = await stream.finalMessage();
    expect(m.model).toBe("claude-m");
    expect(m.id).toBe("msg_011CdFVpY8ZSiJdMWvbXZUUC");
    expect(m.stop_reason).toBe("tool_use");
    expect(m.content).toHaveLength(1);
    expect(m.content[0]).toMatchObject({ type: "tool_use", id: "toolu_01Cr31vcGoeeRgi3Eo5Ds8qN", name: "website_update" });
    expect((m.content[0] as any).input.tasks[0].description).toContain('"What should I do next after this run?"');
    expect(m.usage.output_tokens).toBe(118);

    const sent = up.requests[0];
    expect(sent.url).toBe("/anth/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("sk-ant-upstream-key-123");
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.headers["anthropic-beta"]).toBe("fine-grained-tool-streaming-2025-05-14");
    expect(sent.body).toEqual({ ...body, model: "claude-upstream-model", stream: true });

    const m2 = await client.messages
      .stream({ ...body, messages: [...body.messages, { role: "assistant", content: m.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: m.content[0].type === "tool_use" ? m.content[0].id : "", content: "done" }] }] })
      .finalMessage();
    expect(m2.model).toBe("claude-m");
    expect(m2.content[0].type).toBe("text");
    expect(up.requests[1].body.messages[1].content[0].id).toBe("toolu_01Cr31vcGoeeRgi3Eo5Ds8qN");
  });

  it("passes the upstream's Anthropic error through with its status", async () => {
    const body = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    up.setScript([httpErrorStep(529, body)]);
    const err = await client.messages.create({ model: "claude-m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(err.status).toBe(529);
    expect(err.error).toEqual(body);
  });
});
