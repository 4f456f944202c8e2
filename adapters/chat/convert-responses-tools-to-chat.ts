import type { ResponsesRequest, Tool } from "../responses/responses-types.ts";
import { buildUpstreamToolSet, type UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import type { ChatFunctionTool, ChatRequest } from "./chat-types.ts";


export interface ToolNameMap extends UpstreamToolSet {
  chatTools: ChatFunctionTool[];
  mapChatToolChoice(choice: ResponsesRequest["tool_choice"]): ChatRequest["tool_choice"] | undefined;
}

/** Responses tools → chat `tools` (through the shared upstream tool set). */
export function convertResponsesToolsToChat(tools: Tool[], notes: string[]): ToolNameMap {
  const set = buildUpstreamToolSet(tools, notes);
  return {
    ...set,
    chatTools: set.functions.map((f) => ({ type: "function", function: { name: f.name, description: f.description, parameters: f.parameters } })),
    mapChatToolChoice(choice) {
      const c = set.mapToolChoice(choice);
      if (!c) return undefined;
      return c.mode === "tool" ? { type: "function", function: { name: c.name } } : c.mode;
    },
  };
}
