import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { demoSettings, startMockMultiModelUpstream, type MockUpstream } from "../../cli/router-demo/mock-multi-model-upstream.ts";

let up: MockUpstream;
let shim: TestShim;
let catalog: unknown;
beforeAll(async () => {
  up = await startMockMultiModelUpstream();
  shim = await startTestShim(demoSettings(up.url), { env: { ...process.env, CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" } });
  catalog = { models: (await (await fetch(`${shim.url}/v1/models`)).json()).models };
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const answers = () => up.hits.filter((h) => h.kind !== "classifier");

describe("real Codex CLI through the auto-router", () => {
  it("codex-auto is the catalog's first entry and Codex runs on it", async () => {
    expect((catalog as any).models[0]).toMatchObject({ slug: "codex-auto", priority: 0 });
    up.hits.length = 0;
    const run = await runCodex(prepareCodex({ shimUrl: shim.url, model: "codex-auto", catalog }), ["say hi"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("answered by cheap-model");
  });

  it("a multi-step tool-loop turn stays on one model with one classifier call", async () => {
    up.hits.length = 0;
    const run = await runCodex(prepareCodex({ shimUrl: shim.url, model: "codex-auto", catalog }), ["run the tests, then refactor the parser across files"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.some((e) => e.type === "item.completed" && e.item?.type === "command_execution")).toBe(true);
    expect(run.lastMessage).toBe("answered by strong-model");
    expect(answers().map((h) => `${h.model}:${h.kind}`)).toEqual(["strong-model:tool_call", "strong-model:answer"]);
    expect(up.hits.filter((h) => h.kind === "classifier")).toHaveLength(1);
    // the decision was keyed on Codex's thread and turn
    expect(shim.logs.filter((l) => l.startsWith("[router] req_")).at(-1)).toMatch(/codex-auto -> strong .* key=turn$/);
  });

  it("two turns with different work are routed differently", async () => {
    up.hits.length = 0;
    const setup = prepareCodex({ shimUrl: shim.url, model: "codex-auto", catalog });
    const a = await runCodex(setup, ["implement a CRUD endpoint for users"]);
    const b = await runCodex(setup, ["say hello"]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect([a.lastMessage, b.lastMessage]).toEqual(["answered by mid-model", "answered by cheap-model"]);
  });

  it("a 429 from the chosen model spills to the next candidate before Codex sees an error", async () => {
    up.hits.length = 0;
    up.rateLimited.add("cheap-model");
    try {
      const run = await runCodex(prepareCodex({ shimUrl: shim.url, model: "codex-auto", catalog }), ["say hi once more"]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.lastMessage).toBe("answered by mid-model");
      expect(answers().map((h) => `${h.model}:${h.kind}`)).toEqual(["cheap-model:rate_limited", "mid-model:answer"]);
    } finally {
      up.rateLimited.clear();
    }
  });
});
