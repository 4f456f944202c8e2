#!/usr/bin/env node
// `codex-app [path]` = `codex-shim app [path]`: enable the shim and open Codex Desktop.
import { launch } from "./launch.mjs";
import { codexAppArgs } from "./shortcut-args.mjs";

await launch(import.meta.url, codexAppArgs);
