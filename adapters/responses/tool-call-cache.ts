import type { OutputItem } from "./responses-types.ts";

export interface CachedToolCall {
  /** Upstream model that made the call. */
  model: string;
  kind: "function" | "custom";
  name: string;
  namespace?: string;
  /** Exactly what was handed to Codex (arguments or raw custom input). */
  payload: string;
}

/**
 * Tool calls the shim handed to Codex, by call_id, so the next request's history can be checked
 * against (and repaired from) what the upstream really produced. Bounded: oldest entries go first.
 */
export class ToolCallCache {
  private readonly map = new Map<string, CachedToolCall>();
  private readonly limit: number;
  constructor(limit = 4096) {
    this.limit = limit;
  }

  get size(): number {
    return this.map.size;
  }

  get(callId: string): CachedToolCall | undefined {
    return this.map.get(callId);
  }

  set(callId: string, v: CachedToolCall): void {
    if (this.map.has(callId)) this.map.delete(callId);
    this.map.set(callId, v);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
  }
}

export function rememberToolCalls(cache: ToolCallCache, model: string, output: readonly OutputItem[]): void {
  for (const item of output) {
    if (item.type === "function_call") cache.set(item.call_id, { model, kind: "function", name: item.name, namespace: item.namespace, payload: item.arguments });
    else if (item.type === "custom_tool_call") cache.set(item.call_id, { model, kind: "custom", name: item.name, payload: item.input });
  }
}
