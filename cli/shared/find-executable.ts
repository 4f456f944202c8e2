import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** The first `name` on PATH that is an executable file (PATHEXT on Windows), or null. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exts = process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").map((e) => e.toLowerCase())] : [""];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = join(dir, name + ext);
      try {
        if (!statSync(p).isFile()) continue;
        accessSync(p, constants.X_OK);
        return p;
      } catch {}
    }
  }
  return null;
}

/** The user's Codex CLI: `$CODEX_SHIM_CODEX_BIN`, else `codex` on PATH. */
export function findCodex(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.CODEX_SHIM_CODEX_BIN?.trim();
  if (explicit) return explicit;
  return findExecutable("codex", env);
}

/** Why `$CODEX_SHIM_CODEX_BIN` cannot be run, or null when it is unset or fine. */
export function codexBinProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.CODEX_SHIM_CODEX_BIN?.trim();
  if (!explicit) return null;
  try {
    if (!statSync(explicit).isFile()) return `CODEX_SHIM_CODEX_BIN=${explicit} is not a file. Point it at your codex binary, or unset it to use \`codex\` on PATH.`;
    if (process.platform !== "win32") accessSync(explicit, constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `CODEX_SHIM_CODEX_BIN=${explicit} ${code === "ENOENT" ? "does not exist" : code === "EACCES" ? "is not executable" : `cannot be used (${code})`}. Point it at your codex binary, or unset it to use \`codex\` on PATH.`;
  }
  return null;
}
