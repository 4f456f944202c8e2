#!/usr/bin/env node
// `codex-model [list|<slug>]` = `codex-shim model list` / `codex-shim model use <slug>`.
import { launch } from "./launch.mjs";
import { codexModelArgs } from "./shortcut-args.mjs";

const mapped = codexModelArgs(process.argv.slice(2));
if (mapped.args) await launch(import.meta.url, () => mapped.args);
else {
  if (mapped.out) process.stdout.write(mapped.out);
  if (mapped.err) process.stderr.write(mapped.err);
  process.exitCode = mapped.exit;
}
