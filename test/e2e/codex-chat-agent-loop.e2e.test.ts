import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startChatE2E, type ChatE2E, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { chatToolCallsStep, decide, HELLO_WORLD_PATCH, lastMessage, shellThenPatchStep, textOfMessage, toolMessages } from "../helpers/chat-agent-steps.ts";

let e2e: ChatE2E;
let up: ScriptedUpstream;
let shim: TestShim;
let catalog: unknown;

beforeAll(async () => {
  e2e = await startChatE2E();
  ({ up, shim, catalog } = e2e);
});
afterAll(() => e2e.close());

const PATCH = HELLO_WORLD_PATCH;

describe("real Codex CLI agent loop over a chat-completions upstream", () => {
  it("runs a shell command, then edits the file with apply_patch", async () => {
    up.requests.length = 0;
    up.setScript([shellThenPatchStep()]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog });
    const run = await runCodex(setup, ["write hello to out.txt, then change it to hello world"]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(setup.workdir, "out.txt"), "utf8")).toBe("hello world\n");
    expect(run.lastMessage).toBe("Edited out.txt.");
    expect(run.events.some((e) => e.type === "item.completed" && e.item?.type === "file_change")).toBe(true);

    expect(up.requests).toHaveLength(3);
    const [r1, r2, r3] = up.requests.map((r) => r.body);
    // the freeform tool went upstream as a function with one string parameter
    const patchTool = r1.tools.find((t: any) => t.function.name === "apply_patch");
    expect(patchTool.function.parameters.properties.input.type).toBe("string");
    // turn 2: the shell call and its output
    expect(r2.messages.at(-2).tool_calls[0]).toMatchObject({ id: "call_sh", function: { name: "exec_command" } });
    expect(textOfMessage(lastMessage(r2))).toContain("hello");
    // turn 3: Codex replayed its custom_tool_call; the shim sent it back as the same function call
    const patchCall = r3.messages.at(-2).tool_calls[0];
    expect(patchCall).toMatchObject({ id: "call_patch", function: { name: "apply_patch" } });
    expect(JSON.parse(patchCall.function.arguments)).toEqual({ input: PATCH });
    expect(lastMessage(r3)).toMatchObject({ role: "tool", tool_call_id: "call_patch" });
    expect(textOfMessage(lastMessage(r3))).toMatch(/Success|out\.txt/);
  });

  it("sends two parallel calls back as one assistant message with two tool_calls, then two tool messages", async () => {
    up.requests.length = 0;
    up.setScript([
      decide((body) =>
        toolMessages(body).length === 0
          ? chatToolCallsStep([
              { id: "call_p1", name: "exec_command", args: JSON.stringify({ cmd: "echo one" }) },
              { id: "call_p2", name: "exec_command", args: JSON.stringify({ cmd: "echo two" }) },
            ])
          : chatTextStep("Both ran."),
      ),
    ]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog });
    const run = await runCodex(setup, ["run echo one and echo two in parallel"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Both ran.");
    expect(up.requests).toHaveLength(2);
    const tail = up.requests[1].body.messages.slice(-3);
    expect(tail[0].role).toBe("assistant");
    expect(tail[0].tool_calls.map((c: any) => c.id)).toEqual(["call_p1", "call_p2"]);
    expect(tail.slice(1).map((m: any) => [m.role, m.tool_call_id])).toEqual([
      ["tool", "call_p1"],
      ["tool", "call_p2"],
    ]);
    expect(textOfMessage(tail[1])).toContain("one");
    expect(textOfMessage(tail[2])).toContain("two");
    expect(up.requests[0].body.parallel_tool_calls).toBe(true);
  });

  it("DeepSeek-style reasoning + tool call: reasoning_content goes back with the tool-call message", async () => {
    up.requests.length = 0;
    const thinking = "The user wants the date. I will run the date command.";
    up.setScript([
      decide((body) =>
        toolMessages(body).length === 0
          ? chatToolCallsStep([{ id: "call_00_date", name: "exec_command", args: JSON.stringify({ cmd: "echo 2026-11-24" }) }], { reasoning: thinking })
          : chatTextStep("It is 2026-11-24."),
      ),
    ]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog });
    const run = await runCodex(setup, ["what is the date?"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("It is 2026-11-24.");
    // Codex showed the reasoning
    expect(run.events.some((e) => e.type === "item.completed" && e.item?.type === "reasoning" && String(e.item.text).includes("date command"))).toBe(true);
    const second = up.requests[1].body;
    const assistant = second.messages.find((m: any) => m.tool_calls);
    expect(assistant.reasoning_content).toBe(thinking);
    expect(assistant.tool_calls[0].id).toBe("call_00_date");
  });

  it("honours --output-schema through response_format", async () => {
    up.requests.length = 0;
    up.setScript([chatTextStep('{"answer":"42"}')]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog });
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const schemaFile = join(setup.workdir, "schema.json");
    writeFileSync(schemaFile, JSON.stringify(schema));
    const run = await runCodex(setup, ["--output-schema", schemaFile, "answer"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe('{"answer":"42"}');
    expect(up.requests[0].body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "codex_output_schema", schema, strict: true } });
  });
});
