import { existsSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { ShimError } from "../errors/shim-error.ts";
import type { PreparedUpstream, RouteContext, UpstreamRoute } from "../routes/upstream-route.ts";
import { buildCursorPrompt, workspaceFromRequest } from "./build-cursor-prompt.ts";
import { CURSOR_UPSTREAM_MODEL, cursorBin, cursorExtraFlags, cursorSpawnEnv } from "./cursor-env.ts";
import { cursorAvailable } from "./cursor-status.ts";
import { spawnCursorAgent } from "./spawn-cursor-agent.ts";
import { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import { CURSOR_LOGIN_HINT, CursorStreamTranslator } from "./translate-cursor-stream.ts";

/**
 * The workspace cursor-agent runs in: `$CODEX_SHIM_CURSOR_WORKSPACE`, else the `cwd` Codex reports
 * in its environment context. Never the shim's own directory: without either, the request fails.
 */
export function cursorWorkspace(ctx: RouteContext, env: NodeJS.ProcessEnv): string {
  const ws = env.CODEX_SHIM_CURSOR_WORKSPACE?.trim() || workspaceFromRequest(ctx.request);
  if (!ws)
    throw new ShimError({
      status: 400,
      code: "cursor_workspace_unknown",
      message: "Cannot tell which workspace cursor-agent should work in: the request has no <environment_context> cwd. Set CODEX_SHIM_CURSOR_WORKSPACE.",
    });
  if (!isAbsolute(ws) || !existsSync(ws) || !statSync(ws).isDirectory())
    throw new ShimError({ status: 400, code: "cursor_workspace_missing", message: `The cursor-agent workspace ${ws} is not an existing directory.` });
  return ws;
}

export function cursorArgs(workspace: string, env: NodeJS.ProcessEnv): string[] {
  return ["--print", "--output-format", "stream-json", "--stream-partial-output", ...cursorExtraFlags(env), "--workspace", workspace, "--model", CURSOR_UPSTREAM_MODEL];
}

/** Cursor's Composer through the user's `cursor-agent` login (reference-behavior §9). */
export function cursorRoute(env: NodeJS.ProcessEnv, opts: { extraInstruction?: string } = {}): UpstreamRoute {
  return {
    kind: "cursor",
    prepare(ctx: RouteContext): PreparedUpstream {
      const workspace = cursorWorkspace(ctx, env);
      const prompt = buildCursorPrompt(ctx.request, opts.extraInstruction);
      const bin = cursorBin(env);
      const args = cursorArgs(workspace, env);
      return {
        // Not an HTTP call: `open` runs the agent. The request fields only feed logs.
        request: { url: `cursor-agent:${bin}`, headers: {}, body: "", timeouts: ctx.model.timeouts },
        async open(signal) {
          if (!(await cursorAvailable(env))) throw new ShimError({ status: 400, code: "cursor_login_required", type: "authentication_error", message: CURSOR_LOGIN_HINT });
          return spawnCursorAgent({ bin, args, cwd: workspace, env: cursorSpawnEnv(env), prompt, signal });
        },
        createOutput({ responseId, model, echo }) {
          const writer = new ResponsesEventWriter({ responseId, model, echo });
          return { writer, translator: new CursorStreamTranslator(writer) };
        },
      };
    },
    mapHttpError(_ctx, f) {
      return new ShimError({ status: 502, code: "cursor_agent_failed", message: `cursor-agent failed (${f.status}).` });
    },
  };
}
