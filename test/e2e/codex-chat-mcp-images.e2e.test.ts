import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, chatTextStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, type TestShim, catalogOf } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { chatToolCallsStep, decide, lastMessage, textOfMessage, toolMessages } from "../helpers/chat-agent-steps.ts";

const MCP_SERVER = fileURLToPath(new URL("../fixtures/mcp-calc-server.mjs", import.meta.url));
// A valid 1×1 red PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");

let up: ScriptedUpstream;
let shim: TestShim;
let catalog: unknown;

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([
    { model: "up-vision", slug: "vision-model", display_name: "Vision Model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-e2e-key" },
    { model: "up-text", slug: "text-model", display_name: "Text Model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-e2e-key", no_image_support: true },
  ]);
  catalog = catalogOf(shim);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

describe("real Codex CLI: MCP tools and images over a chat-completions upstream", () => {
  it("calls a tool of a stdio MCP server through its flattened name", async () => {
    up.requests.length = 0;
    up.setScript([
      decide((body) => {
        const names: string[] = (body.tools ?? []).map((t: any) => t.function.name);
        if (!names.includes("mcp__calc__add")) return chatTextStep(`no MCP tool offered: ${names.join(",")}`);
        return toolMessages(body).length === 0 ? chatToolCallsStep([{ id: "call_mcp", name: "mcp__calc__add", args: '{"a":2,"b":3}' }]) : chatTextStep(`sum is ${textOfMessage(lastMessage(body)).trim().split(/\s+/).at(-1)}`);
      }),
    ]);
    const setup = prepareCodex({
      shimUrl: shim.url,
      model: "vision-model",
      catalog,
      extraConfig: [
        "[mcp_servers.calc]",
        `command = ${JSON.stringify(process.execPath)}`,
        `args = [${JSON.stringify(MCP_SERVER)}, ${JSON.stringify("CALLS_LOG")}]`,
        `default_tools_approval_mode = "approve"`,
        "startup_timeout_sec = 20",
        "",
      ].join("\n"),
    });
    const log = join(setup.workdir, "mcp-calls.log");
    const cfg = join(setup.codexHome, "config.toml");
    writeFileSync(cfg, readFileSync(cfg, "utf8").replace('"CALLS_LOG"', JSON.stringify(log)));
    const run = await runCodex(setup, ["add 2 and 3 with the calc tool"]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(log), "the MCP server never ran the tool").toBe(true);
    expect(readFileSync(log, "utf8")).toBe("add 2 3 = 5\n");
    expect(run.lastMessage).toBe("sum is 5");
    const second = up.requests.at(-1)!.body;
    const call = second.messages.find((m: any) => m.tool_calls).tool_calls[0];
    expect(call).toMatchObject({ id: "call_mcp", function: { name: "mcp__calc__add", arguments: '{"a":2,"b":3}' } });
    expect(run.events.some((e) => e.type === "item.completed" && e.item?.type === "mcp_tool_call")).toBe(true);
  });

  it("sends an image prompt to a vision model as an image_url part", async () => {
    up.requests.length = 0;
    up.setScript([chatTextStep("A red pixel.")]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "vision-model", catalog });
    writeFileSync(join(setup.workdir, "img.png"), PNG);
    const run = await runCodex(setup, ["-i", "img.png", "--", "describe this image"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("A red pixel.");
    const user = lastMessage(up.requests[0].body);
    expect(user.role).toBe("user");
    const img = user.content.find((p: any) => p.type === "image_url");
    expect(img.image_url.url).toBe(`data:image/png;base64,${PNG.toString("base64")}`);
    expect(["auto", "low", "high"]).toContain(img.image_url.detail);
    expect(textOfMessage(user)).toContain("describe this image");
  });

  it("never sends the image to a text-only model", async () => {
    up.requests.length = 0;
    up.setScript([chatTextStep("I cannot see images.")]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "text-model", catalog });
    writeFileSync(join(setup.workdir, "img.png"), PNG);
    const run = await runCodex(setup, ["-i", "img.png", "--", "describe this image"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("I cannot see images.");
    const raw = up.requests[0].rawBody;
    expect(raw).not.toContain("image_url");
    expect(raw).not.toContain(PNG.toString("base64"));
    expect(typeof lastMessage(up.requests[0].body).content).toBe("string");
  });

  it("strips the image for a text-only row even when the catalog claims vision (shim-side guard)", async () => {
    up.requests.length = 0;
    up.setScript([chatTextStep("still text only")]);
    const lying = { models: (catalog as { models: any[] }).models.map((m) => ({ ...m, input_modalities: ["text", "image"] })) };
    const setup = prepareCodex({ shimUrl: shim.url, model: "text-model", catalog: lying });
    writeFileSync(join(setup.workdir, "img.png"), PNG);
    const run = await runCodex(setup, ["-i", "img.png", "--", "describe this image"]);
    expect(run.code, run.stderr).toBe(0);
    const raw = up.requests[0].rawBody;
    expect(raw).not.toContain(PNG.toString("base64"));
    expect(raw).toContain("image omitted");
  });
});
