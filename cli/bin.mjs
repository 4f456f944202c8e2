#!/usr/bin/env node
// `codex-shim …` (see launch.mjs for the Node-version guard).
import { launch } from "./launch.mjs";

await launch(import.meta.url);
