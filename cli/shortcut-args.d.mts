export declare function codexAppArgs(argv: string[]): string[];
export declare const CODEX_MODEL_USAGE: string;
export declare function codexModelArgs(argv: string[]): { args: string[] } | { exit: number; out?: string; err?: string };
