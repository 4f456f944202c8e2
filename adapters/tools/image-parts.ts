/** Image helpers shared by the chat and Anthropic routes. */

/** Responses `detail` → what chat providers accept (`original`/`xhigh` would be a 400 there). */
export function clampImageDetail(d: unknown): "auto" | "low" | "high" {
  return d === "low" || d === "high" ? d : d === "original" || d === "xhigh" ? "high" : "auto";
}

/** The URL of an `input_image` / `image_url` part (string or `{url}`), if any. */
export function imageUrlOf(p: { image_url?: unknown; url?: unknown }): string | undefined {
  const u = p.image_url;
  if (typeof u === "string") return u;
  if (u && typeof u === "object" && typeof (u as { url?: unknown }).url === "string") return (u as { url: string }).url;
  return typeof p.url === "string" ? p.url : undefined;
}

/** The note sent instead of an image to a model without vision. */
export const IMAGE_OMITTED_NOTE = "[image omitted: this model does not accept images]";
