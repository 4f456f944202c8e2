export type CheckStatus = "OK" | "WARN" | "FAIL" | "INFO";
export interface Check {
  status: CheckStatus;
  message: string;
  detail?: string;
}
export interface Section {
  title: string;
  checks: Check[];
}

const check =
  (status: CheckStatus) =>
  (message: string, detail?: string): Check => ({ status, message, ...(detail ? { detail } : {}) });
export const ok = check("OK");
export const warn = check("WARN");
export const fail = check("FAIL");
export const info = check("INFO");
