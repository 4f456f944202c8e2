import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sseStep, startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, catalogOf, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { responsesSse, type ScriptedOutput } from "../helpers/responses-sse.ts";

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/codex-0.169/${name}`, import.meta.url), "utf8");
const scripted = (id: string, outputs: ScriptedOutput[]) => sseStep(responsesSse(id, "qwen3-coder", outputs));

let up: ScriptedUpstream;
let shim: TestShim;

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([
    // a function-only, stateless server (Ollama-like): the shim's defaults for a non-OpenAI host
    { model: "qwen3-coder", slug: "local-responses", provider: "responses", base_url: `${up.url}/v1` },
    // a server that takes freeform tools natively (the recorded ChatGPT-shaped streams)
    { model: "gpt-5.5", slug: "native-custom", provider: "openai-responses", base_url: `${up.url}/v1`, custom_tools: true, api_key: "sk-native-e2e-secret" },
  ]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

describe("real Codex CLI → codex-shim → native Responses upstream", () => {
  it("runs a tool loop on a function-only server: apply_patch goes up as a function and comes back as Codex's freeform call", async () => {
    up.requests.length = 0;
    const patch = "*** Begin Patch\n*** Add File: out.txt\n+hello world\n*** End Patch\n";
    up.setScript([
      scripted("resp_n1", [{ call: { name: "exec_command", arguments: JSON.stringify({ cmd: "echo hello" }), callId: "call_exec_1" } }]),
      scripted("resp_n2", [{ call: { name: "apply_patch", arguments: JSON.stringify({ input: patch }), callId: "call_patch_1" } }]),
      scripted("resp_n3", [{ text: "Done: out.txt says hello world." }]),
    ]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "local-responses", catalog: catalogOf(shim) });
    const run = await runCodex(setup, ["create out.txt saying hello world"]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(setup.workdir, "out.txt"), "utf8")).toBe("hello world\n");
    expect(run.lastMessage).toBe("Done: out.txt says hello world.");
    expect(up.requests.length).toBe(3);
    for (const r of up.requests) {
      expect(r.url).toBe("/v1/responses");
      expect(r.body.model).toBe("qwen3-coder");
      expect(r.body.store).toBe(false);
      expect(r.body).not.toHaveProperty("previous_response_id");
      expect(r.body.tools.every((t: any) => t.type === "function")).toBe(true);
      expect(r.headers.authorization).toBeUndefined(); // keyless loopback server
    }
    // the whole conversation each turn, with Codex's freeform call replayed as the function the server knows
    const third = up.requests[2].body.input as any[];
    expect(third.find((i) => i.type === "function_call" && i.call_id === "call_exec_1")).toBeTruthy();
    const replayed = third.find((i) => i.type === "function_call" && i.call_id === "call_patch_1");
    expect(JSON.parse(replayed.arguments)).toEqual({ input: patch });
    expect(third.some((i) => i.type === "function_call_output" && i.call_id === "call_patch_1")).toBe(true);
    const log = shim.logs.filter((l) => l.startsWith("[req]")).join("\n");
    expect(log).toMatch(/model=local-responses route=responses upstream=200/);
  });

  it("replays recorded Codex-accepted streams on a server with native freeform tools (apply_patch stays custom)", async () => {
    up.requests.length = 0;
    up.setScript([sseStep(fixture("tool-loop-turn1.sse")), sseStep(fixture("tool-loop-turn2.sse")), sseStep(fixture("tool-loop-turn3.sse"))]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "native-custom", catalog: catalogOf(shim) });
    const run = await runCodex(setup, ["write hello to out.txt, then change it to hello world"]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(setup.workdir, "out.txt"), "utf8")).toBe("hello world\n");
    expect(up.requests.length).toBe(3);
    expect(up.requests[0].body.tools.some((t: any) => t.type === "custom" && t.name === "apply_patch")).toBe(true);
    expect(up.requests[0].headers.authorization).toBe("Bearer sk-native-e2e-secret");
    expect(up.requests[2].body.input.some((i: any) => i.type === "custom_tool_call" && i.call_id === "call_patch_1")).toBe(true);
    expect(shim.logs.join("\n")).not.toContain("sk-native-e2e-secret");
  });
});
