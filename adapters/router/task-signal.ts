import type { ResponsesRequest } from "../responses/responses-types.ts";

/** What the router knows about a request before choosing a model (never logged as text). */
export interface TaskSignal {
  /** The latest user instruction (Codex's injected context messages are skipped). */
  task: string;
  hasImages: boolean;
  toolCount: number;
  inputItems: number;
  /** function/custom tool calls and their outputs in the history. */
  toolSteps: number;
  reasoningEffort: string | null;
  /** Rough size of the request in tokens (≈ 4 characters per token, 1000 per image). */
  estimatedTokens: number;
}

/** Messages Codex adds around the user's words: never the task. */
const INJECTED = /^\s*(<environment_context>|<user_instructions>|<permissions instructions>|<skills_instructions>|# AGENTS\.md instructions|<turn_aborted>|<user_shell_command>)/;
const IMAGE_TOKENS = 1000;

function partText(p: unknown): string {
  if (!p || typeof p !== "object") return "";
  const o = p as { type?: unknown; text?: unknown };
  return (o.type === "input_text" || o.type === "text" || o.type === "output_text") && typeof o.text === "string" ? o.text : "";
}

function isImagePart(p: unknown): boolean {
  if (!p || typeof p !== "object") return false;
  const o = p as { type?: unknown; image_url?: unknown };
  return o.type === "input_image" || o.type === "image_url" || o.image_url !== undefined;
}

function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let s = "";
  for (const p of content) {
    const t = partText(p);
    if (t) s += s ? `\n${t}` : t;
  }
  return s;
}

/** Characters and images of one value, walked without serializing it. */
function measure(v: unknown, acc: { chars: number; images: number }, depth = 0): void {
  if (typeof v === "string") acc.chars += v.length;
  else if (Array.isArray(v)) for (const x of v) measure(x, acc, depth + 1);
  else if (v && typeof v === "object" && depth < 8) {
    if (isImagePart(v)) {
      acc.images++;
      return;
    }
    for (const x of Object.values(v)) measure(x, acc, depth + 1);
  }
}

/** One pass over the request: the task text, images, tools, history and size. */
export function taskSignalOf(req: ResponsesRequest): TaskSignal {
  const input = req.input;
  const items: unknown[] = typeof input === "string" ? (input.trim() ? [input] : []) : Array.isArray(input) ? input : [];
  let task = "";
  let hasImages = false;
  let toolSteps = 0;
  const acc = { chars: 0, images: 0 };
  for (const item of items) {
    measure(item, acc);
    if (typeof item === "string") {
      task = item;
      continue;
    }
    if (!item || typeof item !== "object") continue;
    const o = item as { type?: unknown; role?: unknown; content?: unknown };
    const type = o.type ?? (o.role ? "message" : undefined);
    if (type === "function_call" || type === "custom_tool_call" || type === "function_call_output" || type === "custom_tool_call_output" || type === "local_shell_call") toolSteps++;
    if (type === "input_text" && typeof (o as { text?: unknown }).text === "string") task = (o as { text: string }).text;
    if (isImagePart(o)) hasImages = true;
    if (type !== "message") continue;
    if (Array.isArray(o.content) && o.content.some(isImagePart)) hasImages = true;
    if (o.role !== "user") continue;
    const text = messageText(o.content);
    if (text.trim() && !INJECTED.test(text)) task = text;
  }
  if (acc.images) hasImages = true;
  if (typeof req.instructions === "string") acc.chars += req.instructions.length;
  const tools = Array.isArray(req.tools) ? req.tools : [];
  for (const t of tools) measure(t, acc);
  return {
    task,
    hasImages,
    toolCount: tools.length,
    inputItems: items.length,
    toolSteps,
    reasoningEffort: typeof req.reasoning?.effort === "string" ? req.reasoning.effort : null,
    estimatedTokens: Math.ceil(acc.chars / 4) + acc.images * IMAGE_TOKENS,
  };
}
