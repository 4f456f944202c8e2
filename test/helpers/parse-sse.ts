/** Parses a Responses SSE body into its JSON events (test helper). */
export function parseSseEvents(text: string): any[] {
  const events: any[] = [];
  for (const block of text.split("\n\n")) {
    const data = block
      .split("\n")
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    if (!data || data === "[DONE]") continue;
    events.push(JSON.parse(data));
  }
  return events;
}
