import type { ResponsesRequest } from "../responses/responses-types.ts";

const IMAGE_OMITTED = "[image omitted for cursor-agent bridge]";

function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const out: string[] = [];
  for (const p of content) {
    if (typeof p === "string") out.push(p);
    else if (p && typeof p === "object") {
      const o = p as { type?: string; text?: unknown; refusal?: unknown };
      if (typeof o.text === "string") out.push(o.text);
      else if (typeof o.refusal === "string") out.push(o.refusal);
      else if (o.type === "input_image") out.push(IMAGE_OMITTED);
    }
  }
  return out.join("\n");
}

/**
 * Renders a Responses request as one prompt for `cursor-agent --print` (reference-behavior §9):
 * `[SYSTEM]`, `[USER]`, `[ASSISTANT]` (with its tool calls) and `[TOOL <call id>]` sections.
 * Unlike the original, an assistant turn that only called tools keeps its calls.
 */
export function buildCursorPrompt(req: ResponsesRequest, extraInstruction?: string): string {
  const sections: string[] = [];
  if (typeof req.instructions === "string" && req.instructions.trim()) sections.push(`[SYSTEM]\n${req.instructions.trim()}`);
  const input: unknown[] = typeof req.input === "string" ? [{ type: "message", role: "user", content: req.input }] : Array.isArray(req.input) ? req.input : [];
  let pendingCalls: string[] = [];
  let pendingText = "";
  const flushAssistant = () => {
    if (!pendingText && !pendingCalls.length) return;
    sections.push(`[ASSISTANT]\n${pendingText}${pendingCalls.length ? `${pendingText ? "\n" : ""}Tool calls: ${pendingCalls.join(", ")}` : ""}`);
    pendingText = "";
    pendingCalls = [];
  };
  for (const raw of input) {
    if (!raw || typeof raw !== "object") continue;
    const it = raw as Record<string, unknown>;
    const type = (it.type as string | undefined) ?? "message";
    if (type === "message") {
      const text = partsText(it.content).trim();
      if (it.role === "assistant") {
        if (text) pendingText = pendingText ? `${pendingText}\n${text}` : text;
        continue;
      }
      flushAssistant();
      if (!text) continue;
      sections.push(`${it.role === "system" || it.role === "developer" ? "[SYSTEM]" : "[USER]"}\n${text}`);
    } else if (type === "function_call") {
      pendingCalls.push(`${it.namespace ? `${it.namespace}.` : ""}${it.name}(${it.arguments ?? ""})`);
    } else if (type === "custom_tool_call") {
      pendingCalls.push(`${it.name}(${JSON.stringify(it.input ?? "")})`);
    } else if (type === "function_call_output" || type === "custom_tool_call_output") {
      flushAssistant();
      const text = partsText(it.output).trim();
      if (text) sections.push(`[TOOL ${it.call_id}]\n${text}`);
    }
  }
  flushAssistant();
  if (extraInstruction) sections.push(`[SYSTEM]\n${extraInstruction}`);
  return sections.join("\n\n") || "Continue.";
}

/** The `<cwd>` of the latest `<environment_context>` Codex sent (codex-protocol §4.1), if any. */
export function workspaceFromRequest(req: ResponsesRequest): string | undefined {
  const input = req.input;
  if (!Array.isArray(input)) return undefined;
  for (let i = input.length - 1; i >= 0; i--) {
    const text = partsText((input[i] as { content?: unknown } | null)?.content);
    if (!text.includes("<environment_context>")) continue;
    const m = /<cwd>([^<]+)<\/cwd>/.exec(text);
    if (m) return m[1].trim();
  }
  return undefined;
}
