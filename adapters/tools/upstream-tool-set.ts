import { createHash } from "node:crypto";
import type { CustomTool, FunctionTool, NamespaceTool, ResponsesRequest, Tool } from "../responses/responses-types.ts";

/** A tool as a chat or Messages upstream sees it: a plain function with a JSON-schema. */
export interface UpstreamFunction {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** What an upstream function name stands for on the Codex side. */
export type ResolvedToolCall =
  | { kind: "function"; name: string; namespace?: string; hosted?: HostedFallback }
  | { kind: "custom"; name: string };

/**
 * Hosted tools the Codex client can execute itself are exposed upstream as plain functions; a call
 * of one must go back to Codex as its own item type (`local_shell` → `local_shell_call`).
 */
export type HostedFallback = "local_shell";

/** The function a `local_shell` hosted tool is exposed as. */
export const LOCAL_SHELL_FUNCTION: Omit<UpstreamFunction, "name"> = {
  description: "Run a shell command on the user's machine and return its output. `command` is the argv array, e.g. [\"bash\", \"-lc\", \"ls -la\"].",
  parameters: {
    type: "object",
    properties: {
      command: { type: "array", items: { type: "string" }, description: "The command and its arguments." },
      workdir: { type: "string", description: "Working directory (optional)." },
      timeout_ms: { type: "number", description: "Timeout in milliseconds (optional)." },
    },
    required: ["command"],
  },
};

/** The `local_shell_call` action from the arguments a model gave the `local_shell` function. */
export function localShellActionFromArguments(args: string): { type: "exec"; command: string[]; working_directory?: string; timeout_ms?: number } {
  let v: { command?: unknown; workdir?: unknown; working_directory?: unknown; timeout_ms?: unknown } = {};
  try {
    v = JSON.parse(args || "{}");
  } catch {
    v = { command: ["bash", "-lc", args] };
  }
  const command = Array.isArray(v.command) ? v.command.map(String) : typeof v.command === "string" ? ["bash", "-lc", v.command] : [];
  const action: { type: "exec"; command: string[]; working_directory?: string; timeout_ms?: number } = { type: "exec", command };
  const wd = v.workdir ?? v.working_directory;
  if (typeof wd === "string") action.working_directory = wd;
  if (typeof v.timeout_ms === "number") action.timeout_ms = v.timeout_ms;
  return action;
}

export type UpstreamToolChoice = { mode: "auto" | "none" | "required" } | { mode: "tool"; name: string };

export interface UpstreamToolSet {
  functions: UpstreamFunction[];
  /** Upstream function name → the Codex tool (un-flattening namespaces, custom tools). */
  resolve(upstreamName: string): ResolvedToolCall;
  /** The upstream name for a call replayed from history. */
  upstreamNameFor(call: { name: string; namespace?: string }): string;
  mapToolChoice(choice: ResponsesRequest["tool_choice"]): UpstreamToolChoice | undefined;
}

const VALID_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A name strict providers accept (`^[a-zA-Z0-9_-]{1,64}$`); long names keep a hash suffix. */
export function toUpstreamName(raw: string): string {
  let s = raw.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (!s) s = "tool";
  if (s.length > 64) s = `${s.slice(0, 55)}_${createHash("sha1").update(raw).digest("hex").slice(0, 8)}`;
  return s;
}

/** The single string parameter a freeform tool is exposed with. */
export const CUSTOM_TOOL_PARAM = "input";

function customToolFunction(t: CustomTool): Omit<UpstreamFunction, "name"> {
  const grammar = t.format?.definition ? `\n\nThe input must follow this ${t.format.syntax ?? ""} grammar:\n${t.format.definition}` : "";
  return {
    description: `${t.description ?? ""}\nPass the raw text as the "${CUSTOM_TOOL_PARAM}" string argument (not JSON-encoded, no code fence).${grammar}`.trim(),
    parameters: {
      type: "object",
      properties: { [CUSTOM_TOOL_PARAM]: { type: "string", description: `The raw ${t.name} input text.` } },
      required: [CUSTOM_TOOL_PARAM],
      additionalProperties: false,
    },
  };
}

/**
 * Responses tools → plain upstream functions: `function` as is, `custom` (apply_patch) as a
 * function with one string parameter, `namespace` (MCP servers, sub-agents) flattened to
 * `<namespace>__<name>`. Hosted tools the upstream cannot run are dropped and noted.
 */
export function buildUpstreamToolSet(tools: readonly Tool[], notes: string[]): UpstreamToolSet {
  const functions: UpstreamFunction[] = [];
  const byUpstream = new Map<string, ResolvedToolCall>();
  const byCodex = new Map<string, string>();
  const codexKey = (name: string, namespace?: string) => (namespace ? `${namespace}\u0000${name}` : name);

  const add = (codexName: string, namespace: string | undefined, resolved: ResolvedToolCall, fn: Omit<UpstreamFunction, "name">) => {
    let name = toUpstreamName(namespace ? `${namespace}__${codexName}` : codexName);
    for (let i = 2; byUpstream.has(name); i++) name = toUpstreamName(`${name.slice(0, 60)}_${i}`);
    byUpstream.set(name, resolved);
    byCodex.set(codexKey(codexName, namespace), name);
    functions.push({ name, ...fn });
  };

  for (const t of tools) {
    if (t.type === "function") {
      const f = t as FunctionTool;
      add(f.name, undefined, { kind: "function", name: f.name }, { description: f.description ?? "", parameters: f.parameters ?? { type: "object", properties: {} } });
    } else if (t.type === "custom") {
      const c = t as CustomTool;
      add(c.name, undefined, { kind: "custom", name: c.name }, customToolFunction(c));
    } else if (t.type === "namespace") {
      const ns = t as NamespaceTool;
      for (const inner of ns.tools ?? []) {
        if (inner.type === "function") {
          const f = inner as FunctionTool;
          const desc = [ns.description, f.description].filter(Boolean).join("\n");
          add(f.name, ns.name, { kind: "function", name: f.name, namespace: ns.name }, { description: desc, parameters: f.parameters ?? { type: "object", properties: {} } });
        } else if (inner.type === "custom") {
          notes.push(`custom tool ${inner.name} inside namespace ${ns.name} not sent`);
        }
      }
    } else if (t.type === "local_shell") {
      add("local_shell", undefined, { kind: "function", name: "local_shell", hosted: "local_shell" }, LOCAL_SHELL_FUNCTION);
    } else {
      // web_search, image_generation, computer_use*, file_search, tool_search…: run by OpenAI's
      // servers (or deferred by Codex), nothing here could execute them.
      notes.push(`hosted tool ${t.type} not sent (the upstream cannot run it)`);
    }
  }

  return {
    functions,
    resolve(upstreamName) {
      const hit = byUpstream.get(upstreamName);
      if (hit) return hit;
      // Models sometimes call a flattened name with the separator changed, or the bare name.
      for (const [n, r] of byUpstream) if (n.toLowerCase() === upstreamName.toLowerCase()) return r;
      return { kind: "function", name: upstreamName };
    },
    upstreamNameFor(call) {
      return byCodex.get(codexKey(call.name, call.namespace)) ?? toUpstreamName(call.namespace ? `${call.namespace}__${call.name}` : call.name);
    },
    mapToolChoice(choice) {
      if (choice === undefined || choice === null) return undefined;
      if (choice === "auto" || choice === "none" || choice === "required") return { mode: choice };
      if (typeof choice === "object" && typeof choice.name === "string") {
        const ns = typeof choice.namespace === "string" ? choice.namespace : undefined;
        const name = byCodex.get(codexKey(choice.name, ns));
        return name ? { mode: "tool", name } : { mode: "auto" };
      }
      return { mode: "auto" };
    },
  };
}

export { VALID_NAME };
