import { describe, expect, it } from "vitest";
import { buildUpstreamToolSet, localShellActionFromArguments, toUpstreamName, VALID_NAME } from "./upstream-tool-set.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";

describe("buildUpstreamToolSet", () => {
  it("maps the full Codex 0.169 MCP tool list to valid, distinct upstream names", () => {
    const notes: string[] = [];
    const set = buildUpstreamToolSet(codexRequestBody("mcp-turn1").tools, notes);
    const names = set.functions.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(VALID_NAME);
    expect(names).toEqual(expect.arrayContaining(["exec_command", "apply_patch", "mcp__calc__add", "multi_agent_v1__spawn_agent"]));
    expect(set.resolve("mcp__calc__add")).toEqual({ kind: "function", name: "add", namespace: "mcp__calc" });
    expect(set.resolve("apply_patch")).toEqual({ kind: "custom", name: "apply_patch" });
    expect(set.upstreamNameFor({ name: "add", namespace: "mcp__calc" })).toBe("mcp__calc__add");
  });

  it("keeps names valid and distinct: bad characters, long names, collisions", () => {
    const long = "x".repeat(80);
    const set = buildUpstreamToolSet(
      [
        { type: "namespace", name: "mcp__my.server", tools: [{ type: "function", name: "do it", parameters: {} }] },
        { type: "function", name: "mcp__my_server__do_it", parameters: {} },
        { type: "namespace", name: "mcp__a", tools: [{ type: "function", name: long, parameters: {} }, { type: "function", name: long + "y", parameters: {} }] },
      ],
      [],
    );
    const names = set.functions.map((f) => f.name);
    for (const n of names) expect(n).toMatch(VALID_NAME);
    expect(new Set(names).size).toBe(4);
    // each upstream name resolves back to exactly its own tool
    expect(names.map((n) => set.resolve(n))).toEqual([
      { kind: "function", name: "do it", namespace: "mcp__my.server" },
      { kind: "function", name: "mcp__my_server__do_it" },
      { kind: "function", name: long, namespace: "mcp__a" },
      { kind: "function", name: long + "y", namespace: "mcp__a" },
    ]);
    expect(toUpstreamName(long).length).toBeLessThanOrEqual(64);
  });

  it("maps tool_choice, including a namespaced one; unknown names fall back to auto", () => {
    const set = buildUpstreamToolSet(codexRequestBody("mcp-turn1").tools, []);
    expect(set.mapToolChoice("auto")).toEqual({ mode: "auto" });
    expect(set.mapToolChoice("required")).toEqual({ mode: "required" });
    expect(set.mapToolChoice({ type: "function", name: "exec_command" })).toEqual({ mode: "tool", name: "exec_command" });
    expect(set.mapToolChoice({ type: "function", name: "add", namespace: "mcp__calc" })).toEqual({ mode: "tool", name: "mcp__calc__add" });
    expect(set.mapToolChoice({ type: "function", name: "nope" })).toEqual({ mode: "auto" });
    expect(set.mapToolChoice(undefined)).toBeUndefined();
  });

  it("drops hosted tools it cannot run (and says so), exposes local_shell as a function", () => {
    const notes: string[] = [];
    const set = buildUpstreamToolSet([{ type: "web_search", external_web_access: false }, { type: "image_generation" }, { type: "local_shell" }], notes);
    expect(set.functions.map((f) => f.name)).toEqual(["local_shell"]);
    expect(set.resolve("local_shell")).toMatchObject({ kind: "function", hosted: "local_shell" });
    expect(notes).toEqual(["hosted tool web_search not sent (the upstream cannot run it)", "hosted tool image_generation not sent (the upstream cannot run it)"]);
    expect(localShellActionFromArguments('{"command":"ls -la","timeout_ms":5}')).toEqual({ type: "exec", command: ["bash", "-lc", "ls -la"], timeout_ms: 5 });
  });
});
