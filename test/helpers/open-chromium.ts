import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
/** Page tests skip only where Chromium is missing locally; CI installs it (.ci/run), so there they run and fail loudly. */
export const skipWithoutChromium = !hasChromium && !process.env.CI;

/** Headless Chromium, offline-minded flags (GUIDE: environment). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}

/** Where tests leave screenshots for a person to look at (gitignored). */
export const SCREENSHOT_DIR = join(process.cwd(), "test", ".screenshots");

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Console errors, page errors and requests to anything but the shim, collected for a page. */
export function watchPage(page: Page, shimUrl: string): { errors: string[]; foreign: string[] } {
  const out = { errors: [] as string[], foreign: [] as string[] };
  page.on("console", (m) => {
    if (m.type() === "error") out.errors.push(m.text());
  });
  page.on("pageerror", (e) => out.errors.push(String(e)));
  page.on("request", (r) => {
    if (!r.url().startsWith(shimUrl) && !r.url().startsWith("data:")) out.foreign.push(r.url());
  });
  return out;
}
