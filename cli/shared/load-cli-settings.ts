import { loadSettingsFile } from "../../adapters/settings/load-settings-file.ts";
import { SettingsError } from "../../adapters/settings/parse-settings.ts";
import type { Settings } from "../../adapters/settings/settings-types.ts";
import { CliError } from "./cli-error.ts";
import type { CliOptions } from "./cli-options.ts";

export function loadCliSettings(o: CliOptions): Settings {
  try {
    return loadSettingsFile(o.settings.file, { required: o.settings.required });
  } catch (e) {
    if (e instanceof SettingsError) throw new CliError(`the settings file has problems:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
    throw e;
  }
}

export const ADD_MODEL_HINT = (file: string) =>
  `Add a model to ${file}, for example:\n` +
  `  {"models":[{"model":"qwen2.5-coder:7b","provider":"ollama"}]}\n` +
  `or with a key: {"models":[{"model":"deepseek-chat","provider":"generic-chat-completion-api","base_url":"https://api.deepseek.com/v1","api_key_env":"DEEPSEEK_API_KEY"}]}`;
