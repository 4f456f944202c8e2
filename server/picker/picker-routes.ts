import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { H3 } from "h3";
import type { ServerContext } from "../server-context.ts";
import { maxBodyBytes, readJsonBody } from "../read-json-body.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import { codexConfigPath, listPickerModels } from "./picker-models.ts";
import { serialized, switchModel } from "./switch-model.ts";
import { pickerPageHtml, pickerPageHeaders } from "./picker-page.ts";
import { realRestartDeps, restartCodexDesktop, type RestartOutcome } from "../../adapters/codex-desktop/codex-desktop-process.ts";
import { patchedUserBundle } from "../../adapters/codex-desktop/app-backups.ts";
import { stateDir } from "../../adapters/settings/state-paths.ts";
import { homedir } from "node:os";
import { sep } from "node:path";

export const PICKER_TOKEN_HEADER = "X-Codex-Shim-Picker-Token";

function newPickerToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(given), h(token));
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });

/**
 * Beyond the request-guard (loopback Host, no cross-site Origin, JSON only): the switch must
 * come from the picker page itself, i.e. the same origin, not another local page on another port.
 */
function notSameOrigin(req: Request): string | null {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `forbidden: ${site} request`;
  const origin = req.headers.get("origin");
  if (origin && origin !== `http://${req.headers.get("host")}`) return `forbidden: request from ${origin}`;
  return null;
}

export interface PickerRouteOptions {
  token?: string;
  platform?: NodeJS.Platform;
  restart?: () => Promise<RestartOutcome>;
}

/** `GET /picker`, `GET /api/models`, `POST /api/switch` (reference-behavior §5.2, with its bugs fixed). */
export function registerPickerRoutes(app: H3, ctx: ServerContext, opts: PickerRouteOptions = {}): void {
  const token = opts.token ?? newPickerToken();
  const platform = opts.platform ?? process.platform;
  const home = ctx.env.HOME?.trim() || homedir();
  const restart = opts.restart ?? (() => restartCodexDesktop(realRestartDeps(ctx.env), { macBundle: patchedUserBundle(stateDir(ctx.env), home) }));
  const bodyLimit = Math.min(maxBodyBytes(ctx.env), 64 * 1024);
  const doSwitch = serialized(switchModel);
  const authorized = (req: Request) => tokenMatches(req.headers.get(PICKER_TOKEN_HEADER), token);
  const configPath = codexConfigPath(ctx.env);
  const shown = (path: string) => (path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path);
  const shownConfigPath = shown(configPath);

  app.get("/picker", () => {
    const nonce = randomBytes(16).toString("base64");
    return new Response(pickerPageHtml({ token, nonce, platform, version: ctx.version, configPath: shownConfigPath, settingsPath: shown(ctx.store.file) }), { headers: pickerPageHeaders(nonce) });
  });

  app.get("/api/models", async (event) => {
    if (!authorized(event.req)) return json(403, { error: "forbidden" });
    return json(200, await listPickerModels(ctx));
  });

  app.post("/api/switch", async (event) => {
    const req = event.req;
    if (!authorized(req)) return json(403, { error: "forbidden" });
    const cross = notSameOrigin(req);
    if (cross) return json(403, { error: cross });
    let body: Record<string, unknown>;
    try {
      body = await readJsonBody(req, bodyLimit);
    } catch (e) {
      if (e instanceof ShimError) return json(e.status, { error: e.message });
      throw e;
    }
    const slug = typeof body.slug === "string" ? body.slug.trim() : "";
    if (!slug || slug.length > 256) return json(400, { error: "slug is required: the slug of one of the models listed by GET /api/models" });
    if (body.restart_codex !== undefined && typeof body.restart_codex !== "boolean") return json(400, { error: "restart_codex must be true or false" });
    const models = await listPickerModels(ctx);
    const model = models.find((m) => m.slug === slug);
    const usable = models.filter((m) => m.usable).map((m) => m.slug);
    if (!model) return json(404, { error: `unknown model: ${slug}. Usable models: ${usable.join(", ") || "none"}`, usable });
    if (!model.usable) return json(409, { error: model.reason ?? `${slug} is not usable now` });
    const r = await doSwitch(ctx, model);
    if (!r.ok) return json(r.status, { error: r.error });
    ctx.log(`[picker] active model -> ${model.slug} (${model.display_name})`);
    const restarted = body.restart_codex === true ? await restart() : null;
    return json(200, {
      ok: true,
      model: model.slug,
      display_name: model.display_name,
      outcome: r.config!.outcome,
      config_file: r.config!.file,
      backup: r.config!.backup,
      restarted: restarted?.restarted ?? false,
      ...(restarted ? { restart_note: restarted.note } : {}),
      platform,
    });
  });
}
