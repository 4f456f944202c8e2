import type { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import { buildUsage } from "../responses/normalize-usage.ts";
import type { StreamTranslator } from "../routes/upstream-route.ts";
import { CursorStreamParser, type CursorUsage } from "./parse-cursor-stream.ts";
import { looksLikeAuthFailure } from "./cursor-status.ts";

export const CURSOR_LOGIN_HINT = "Cursor subscription auth unavailable. Run `cursor-agent login`, then retry.";

/**
 * cursor-agent stdout (as SSE events from spawnCursorAgent) → Responses events: text deltas as
 * one assistant message; the `exit` event ends the response — completed with usage, or failed
 * when the agent reported an error or exited non-zero without an answer.
 */
export class CursorStreamTranslator implements StreamTranslator {
  private readonly parser = new CursorStreamParser();
  private usage: CursorUsage | null = null;
  private finalText: string | null = null;
  private error: string | null = null;

  private readonly writer: ResponsesEventWriter;

  constructor(writer: ResponsesEventWriter) {
    this.writer = writer;
  }

  onEvent(data: string, event: string | undefined): void {
    if (event === "exit") {
      this.finish(JSON.parse(data) as { code: number | null; signal: string | null; stderr: string });
      return;
    }
    const ev = this.parser.feed(data);
    if (!ev) return;
    if (ev.kind === "delta") this.writer.appendText(ev.text);
    else if (ev.kind === "error") this.error = ev.message;
    else {
      this.finalText = ev.text;
      if (ev.usage) this.usage = ev.usage;
    }
  }

  onJsonBody(): void {
    this.writer.fail("server_error", "cursor-agent produced no stream output.");
  }

  onEnd(): void {
    if (!this.writer.finished) this.writer.fail("server_error", "cursor-agent's output ended without an exit status.");
  }

  private finish(exit: { code: number | null; signal: string | null; stderr: string }): void {
    const w = this.writer;
    // The result's text is the whole answer; stream whatever the partial events did not cover.
    if (this.finalText && !this.error) {
      const streamed = this.parser.streamed;
      if (!streamed) w.appendText(this.finalText);
      else if (this.finalText.startsWith(streamed) && this.finalText.length > streamed.length) w.appendText(this.finalText.slice(streamed.length));
    }
    const answered = this.parser.streamed !== "" || !!this.finalText;
    let problem = this.error;
    if (!problem && exit.code !== 0 && !answered) problem = exit.stderr || (exit.signal ? `cursor-agent was killed by ${exit.signal}` : `cursor-agent exited with code ${exit.code}`);
    if (problem) {
      // An auth failure will not go away by retrying: `invalid_prompt` makes Codex stop and show it.
      if (looksLikeAuthFailure(problem)) w.fail("invalid_prompt", `${CURSOR_LOGIN_HINT} (${problem.slice(0, 300)})`);
      else w.fail("server_error", `cursor-agent failed: ${problem.slice(0, 1000)}`);
      return;
    }
    const u = this.usage;
    w.complete(u ? buildUsage({ input: u.inputTokens, output: u.outputTokens, cached: u.cacheReadTokens, cacheWrite: u.cacheWriteTokens }) : null);
  }
}
