import type { ResponseStatus, ResponsesErrorBody, ResponsesUsage } from "../responses/responses-types.ts";

/**
 * What every output writer (the Responses writer, the relays, the Anthropic SSE writer) shares:
 * the outcome fields the request machine and the log read, and the text buffer the pump drains
 * once per upstream chunk.
 */
export abstract class BufferedOutputWriter {
  status: ResponseStatus = "in_progress";
  error: ResponsesErrorBody | null = null;
  usage: ResponsesUsage | null = null;
  /** Number of tool calls emitted, for the request log. */
  toolCallCount = 0;
  /** True once any output (text, reasoning, tool call) has been written. */
  hasOutput = false;
  protected buf = "";

  get finished(): boolean {
    return this.status !== "in_progress";
  }

  take(): string {
    const out = this.buf;
    this.buf = "";
    return out;
  }
}

/** The JSON `type` of an SSE data payload, read from its first bytes without parsing it. */
export function sniffEventType(data: string, within = 200): string | undefined {
  return /"type"\s*:\s*"([^"]+)"/.exec(data.slice(0, within))?.[1];
}
