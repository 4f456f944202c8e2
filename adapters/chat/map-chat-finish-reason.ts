export type ChatFinish = { status: "completed" } | { status: "incomplete"; reason: string };

/** Chat `finish_reason` → how the Responses stream ends. */
export function mapChatFinishReason(reason: string | null | undefined): ChatFinish {
  switch (reason) {
    case "length":
    case "max_tokens":
      return { status: "incomplete", reason: "max_output_tokens" };
    case "content_filter":
      return { status: "incomplete", reason: "content_filter" };
    default:
      return { status: "completed" };
  }
}
