import { readFileSync } from "node:fs";
import { parseJSONC } from "confbox";
import { parseSettings, SettingsError } from "./parse-settings.ts";
import type { Settings } from "./settings-types.ts";

/**
 * Reads and validates a settings file. A missing file is an error only when the user named it
 * (`--settings`); the default file may be absent, which means zero models.
 */
export function loadSettingsFile(file: string, opts: { required: boolean; blankIsError?: boolean }): Settings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !opts.required) return { file: null, models: [], missingFile: file };
    if (code === "ENOENT")
      throw new SettingsError([`Settings file not found: ${file}\nThis file was named explicitly (--settings): create it, or fix the path, or leave --settings out to use the default file.`]);
    throw new SettingsError([`${file}: cannot read settings file: ${(e as Error).message}`]);
  }
  if (!text.trim()) {
    // A reload of a file an editor has just truncated (or a save that left it empty) is a broken edit, not "no models".
    if (opts.blankIsError) throw new SettingsError([`${file}: the file is empty (for no models write {"models": []})`]);
    return { file, models: [] };
  }
  let raw: unknown;
  try {
    // JSONC: comments and trailing commas are common in hand-edited files.
    raw = parseJSONC(text, { allowTrailingComma: true } as never);
  } catch (e) {
    throw new SettingsError([`Settings file is not valid JSON: ${file}: ${(e as Error).message}`]);
  }
  return parseSettings(raw, file);
}
