/**
 * The text that stands in for Codex-only history on upstreams that cannot replay it: hosted-tool
 * calls become a short assistant note of what happened, a `tool_search_output` the list of tools
 * it made available. Shared by the neutral conversation and the native Responses body.
 */

export function webSearchNote(action: { query?: unknown; url?: unknown } | null | undefined): string {
  const a = action ?? {};
  const what = typeof a.query === "string" ? `searched the web for "${a.query}"` : typeof a.url === "string" ? `opened ${a.url}` : "used web search";
  return `[${what}]`;
}

export function imageGenerationNote(revisedPrompt: unknown): string {
  return typeof revisedPrompt === "string" && revisedPrompt ? `[generated an image: ${revisedPrompt}]` : "[generated an image]";
}

export function toolSearchOutputText(tools: unknown): string {
  const names = Array.isArray(tools) ? (tools as { name?: unknown }[]).map((t) => t?.name).filter((n) => typeof n === "string") : [];
  return names.length ? `Tools now available: ${names.join(", ")}` : "No tools found.";
}
