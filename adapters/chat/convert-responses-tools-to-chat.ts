import type { FunctionTool, ResponsesRequest, Tool } from "../responses/responses-types.ts";
import type { ChatFunctionTool, ChatRequest } from "./chat-types.ts";

/** What an upstream tool-call name stands for on the Codex side. */
export type ResolvedToolCall = { kind: "function"; name: string; namespace?: string } | { kind: "custom"; name: string };

export interface ToolNameMap {
  chatTools: ChatFunctionTool[];
  /** Upstream function name → the Codex tool it stands for. */
  resolve(upstreamName: string): ResolvedToolCall;
  mapToolChoice(choice: ResponsesRequest["tool_choice"]): ChatRequest["tool_choice"] | undefined;
}

const VALID_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function sanitizeName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return s || "tool";
}

/** Responses tools → chat function tools (function tools only in the foundation). */
export function convertResponsesToolsToChat(tools: Tool[], notes: string[]): ToolNameMap {
  const chatTools: ChatFunctionTool[] = [];
  const byUpstream = new Map<string, ResolvedToolCall>();
  for (const t of tools) {
    if (t.type === "function") {
      const f = t as FunctionTool;
      const name = VALID_NAME.test(f.name) ? f.name : sanitizeName(f.name);
      chatTools.push({ type: "function", function: { name, description: f.description ?? "", parameters: f.parameters ?? { type: "object", properties: {} } } });
      byUpstream.set(name, { kind: "function", name: f.name });
    } else {
      notes.push(`tool ${t.type}${"name" in t && t.name ? ` ${String(t.name)}` : ""} not sent`);
    }
  }
  return {
    chatTools,
    resolve: (n) => byUpstream.get(n) ?? { kind: "function", name: n },
    mapToolChoice(choice) {
      if (choice === undefined || choice === null) return undefined;
      if (choice === "auto" || choice === "none" || choice === "required") return choice;
      if (typeof choice === "object" && choice.type === "function" && typeof choice.name === "string") return { type: "function", function: { name: sanitizeName(choice.name) } };
      return "auto";
    },
  };
}
