import { describe, expect, it } from "vitest";
import { CursorStreamParser } from "./parse-cursor-stream.ts";
import { buildCursorPrompt, workspaceFromRequest } from "./build-cursor-prompt.ts";
import { statusSaysLoggedIn } from "./cursor-status.ts";
import { cursorSpawnEnv } from "./cursor-env.ts";

const a = (text: string) => JSON.stringify({ type: "assistant", message: { content: [{ type: "text", text }] } });

describe("cursor-agent stream-json parsing", () => {
  it("turns cumulative assistant text into deltas (extension → suffix, same → nothing, unrelated → whole)", () => {
    const p = new CursorStreamParser();
    expect(p.feed(a("Hel"))).toEqual({ kind: "delta", text: "Hel" });
    expect(p.feed(a("Hello"))).toEqual({ kind: "delta", text: "lo" });
    expect(p.feed(a("Hello"))).toBeNull();
    expect(p.feed(a("New part"))).toEqual({ kind: "delta", text: "New part" });
    expect(p.feed("not json")).toBeNull();
    expect(p.feed(JSON.stringify({ type: "result", result: "done", usage: { inputTokens: 1 } }))).toEqual({ kind: "final", text: "done", usage: { inputTokens: 1 } });
    expect(p.feed(JSON.stringify({ type: "result", subtype: "error", result: "boom" }))).toEqual({ kind: "error", message: "boom" });
  });

  it("recognises status output", () => {
    expect(statusSaysLoggedIn("✓ Logged in as a@b.c")).toBe(true);
    expect(statusSaysLoggedIn("Not logged in")).toBe(false);
    expect(statusSaysLoggedIn("Authentication required")).toBe(false);
  });

  it("drops CURSOR_API_KEY from the child env and puts CURSOR_AGENT_BIN's directory on PATH", () => {
    const env = cursorSpawnEnv({ PATH: "/usr/bin", CURSOR_API_KEY: "k", CURSOR_AGENT_BIN: "/opt/cursor/bin/cursor-agent" });
    expect(env.CURSOR_API_KEY).toBeUndefined();
    expect(env.PATH?.startsWith("/opt/cursor/bin")).toBe(true);
  });
});

describe("cursor prompt", () => {
  it("renders sections, keeps tool-only assistant turns and tool results, omits images", () => {
    const prompt = buildCursorPrompt({
      model: "composer-2-5",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "Be brief." }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/png;base64,AA" }] },
        { type: "function_call", call_id: "c1", name: "exec_command", arguments: '{"cmd":"ls"}' },
        { type: "function_call_output", call_id: "c1", output: "a.txt" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Found a.txt" }] },
      ],
    } as never);
    expect(prompt).toBe(
      "[SYSTEM]\nBe brief.\n\n[USER]\nlook\n[image omitted for cursor-agent bridge]\n\n[ASSISTANT]\nTool calls: exec_command({\"cmd\":\"ls\"})\n\n[TOOL c1]\na.txt\n\n[ASSISTANT]\nFound a.txt",
    );
    expect(buildCursorPrompt({ model: "x", input: [] } as never)).toBe("Continue.");
  });

  it("finds the workspace in the latest environment context", () => {
    const req = { model: "x", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "<environment_context>\n<cwd>/home/u/proj</cwd>\n</environment_context>" }] }] };
    expect(workspaceFromRequest(req as never)).toBe("/home/u/proj");
    expect(workspaceFromRequest({ model: "x", input: "hi" } as never)).toBeUndefined();
  });
});
