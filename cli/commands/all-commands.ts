// Every command. The daemon (`serve`) loads only its own (cli/main.ts): the others' modules
// (Codex Desktop patching with @electron/asar, doctor, the router demo…) cost RSS it never uses.
import { ServeCommand } from "./serve-command.ts";
import { GenerateCommand } from "./generate-command.ts";
import { ListCommand } from "./list-command.ts";
import { StartCommand, StopCommand, RestartCommand, StatusCommand } from "./daemon-commands.ts";
import { EnableCommand, DisableCommand, ModelUseCommand } from "./config-commands.ts";
import { CodexCommand } from "./codex-command.ts";
import { AppCommand } from "./app-command.ts";
import { DoctorCommand } from "./doctor-command.ts";
import { OpencodeGoRefreshCommand } from "./opencode-go-refresh-command.ts";
import { PickerCommand } from "./picker-command.ts";
import { PatchAppCommand, RestoreAppCommand } from "./desktop-patch-commands.ts";
import { RouterDemoCommand } from "./router-demo-command.ts";

/** Every command, in help order. Add a new command here (one import, one entry). */
export const COMMANDS = [
  ServeCommand,
  GenerateCommand,
  ListCommand,
  StartCommand,
  StopCommand,
  RestartCommand,
  StatusCommand,
  EnableCommand,
  DisableCommand,
  ModelUseCommand,
  CodexCommand,
  AppCommand,
  PickerCommand,
  PatchAppCommand,
  RestoreAppCommand,
  DoctorCommand,
  OpencodeGoRefreshCommand,
  RouterDemoCommand,
];
