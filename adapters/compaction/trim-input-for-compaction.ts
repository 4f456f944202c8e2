import type { InputItem } from "../responses/responses-types.ts";

export interface TrimResult {
  input: InputItem[];
  droppedItems: number;
  truncatedOutputs: number;
}

const MAX_OUTPUT_CHARS = 8_000;
/** Rough and deliberately pessimistic: code and JSON run near 3 characters per token. */
const CHARS_PER_TOKEN = 3;

function truncateMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  const half = Math.floor(max / 2);
  return `${s.slice(0, half)}\n…[${s.length - max} characters omitted for compaction]…\n${s.slice(-half)}`;
}

function sizeOf(item: unknown): number {
  return JSON.stringify(item)?.length ?? 0;
}

/**
 * Makes a history fit the summarizing model before it is sent (a compaction request is, by
 * definition, the longest request of a session): long tool outputs are cut in the middle,
 * images become a short note, then the oldest conversation items go until the rest fits
 * `contextTokens` with room left for the summary. Leading system/developer messages stay.
 */
export function trimInputForCompaction(input: readonly InputItem[], contextTokens: number): TrimResult {
  let truncatedOutputs = 0;
  const items: InputItem[] = input.map((raw) => {
    const item = raw as InputItem & { type?: string; output?: unknown; content?: unknown };
    if ((item.type === "function_call_output" || item.type === "custom_tool_call_output" || item.type === "local_shell_call_output") && item.output != null) {
      if (typeof item.output === "string") {
        if (item.output.length > MAX_OUTPUT_CHARS) {
          truncatedOutputs++;
          return { ...item, output: truncateMiddle(item.output, MAX_OUTPUT_CHARS) } as InputItem;
        }
        return item;
      }
      if (Array.isArray(item.output)) {
        const parts = (item.output as { type?: string; text?: string }[]).map((p) =>
          p?.type === "input_image" ? { type: "input_text", text: "[image]" } : p?.type === "input_text" && typeof p.text === "string" && p.text.length > MAX_OUTPUT_CHARS ? (truncatedOutputs++, { ...p, text: truncateMiddle(p.text, MAX_OUTPUT_CHARS) }) : p,
        );
        return { ...item, output: parts } as InputItem;
      }
    }
    if (Array.isArray(item.content)) {
      const content = (item.content as { type?: string }[]).map((p) => (p?.type === "input_image" ? { type: "input_text", text: "[image]" } : p));
      return { ...item, content } as InputItem;
    }
    return item;
  });

  const budget = Math.max(2_000, Math.floor(contextTokens * 0.75)) * CHARS_PER_TOKEN;
  let total = items.reduce((n, i) => n + sizeOf(i), 0);
  let head = 0;
  while (head < items.length) {
    const it = items[head] as { type?: string; role?: string };
    if ((it.type ?? "message") === "message" && (it.role === "developer" || it.role === "system")) head++;
    else break;
  }
  let droppedItems = 0;
  // Drop the oldest conversation items but always keep the last one (the newest context).
  while (total > budget && items.length - head > 1) {
    total -= sizeOf(items[head]);
    items.splice(head, 1);
    droppedItems++;
  }
  return { input: items, droppedItems, truncatedOutputs };
}
