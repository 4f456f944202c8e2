import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ANTHROPIC_SECRET, CHATGPT_SECRET, startPickerFixture, USER_CONFIG, type PickerFixture } from "../helpers/picker-fixture.ts";
import { launchChromium, skipWithoutChromium } from "../helpers/open-chromium.ts";
import { removeManagedConfig } from "../../adapters/codex-config/managed-config.ts";

const SHOTS = process.env.PICKER_SCREENSHOTS ?? join(tmpdir(), "codex-shim-picker-screens");
const ATTACKER_HOST = "attacker.test";

let f: PickerFixture;
let browser: Browser;
let attacker: Server;
let attackerPort: number;

/** A page on another origin that tries to switch the model without the token, three ways. */
function attackerPage(target: string): string {
  return `<!doctype html><body><form id="f" method="POST" action="${target}/api/switch" enctype="text/plain"><input name='{"slug":"qwen-coder","x":"' value='"}'></form>
<script>
(async () => {
  const results = [];
  try { await fetch("${target}/api/switch", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ slug: "qwen-coder" }) }); results.push("no-cors sent"); } catch (e) { results.push("no-cors failed"); }
  try { const r = await fetch("${target}/api/switch", { method: "POST", headers: { "content-type": "application/json", "X-Codex-Shim-Picker-Token": "guess" }, body: JSON.stringify({ slug: "qwen-coder" }) }); results.push("cors " + r.status); } catch (e) { results.push("cors blocked"); }
  window.__results = results;
  document.getElementById("f").submit();
})();
</script></body>`;
}

beforeAll(async () => {
  if (skipWithoutChromium) return;
  mkdirSync(SHOTS, { recursive: true });
  f = await startPickerFixture();
  attacker = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(attackerPage(f.shim.url));
  });
  await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", () => r()));
  attackerPort = (attacker.address() as { port: number }).port;
  browser = await launchChromium([`--host-resolver-rules=MAP ${ATTACKER_HOST} 127.0.0.1`]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (attacker ? attacker.close(r) : r(null)));
  await f?.close();
});

/** A page whose every request off the shim's origin is blocked and recorded. */
async function openPicker(ctxOpts: Parameters<Browser["newContext"]>[0] = {}): Promise<{ ctx: BrowserContext; page: Page; offsite: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...ctxOpts });
  const offsite: string[] = [];
  await ctx.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(f.shim.url)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  const page = await ctx.newPage();
  await page.goto(`${f.shim.url}/picker`);
  await page.locator("button.model").first().waitFor();
  return { ctx, page, offsite };
}

const config = () => readFileSync(f.configFile, "utf8");

describe.skipIf(skipWithoutChromium)("/picker in headless Chromium", () => {
  it("loads with no request off the shim, lists every model with its facts, and shows no secret", async () => {
    const { ctx, page, offsite } = await openPicker();
    const names = await page.locator(".model .name").allTextContents();
    expect(names).toEqual(["GPT-5.5", "Claude Sonnet 4.5", "Qwen 2.5 Coder 7B (local)", "DeepSeek V3"]);
    expect(await page.locator(".group").allTextContents()).toEqual(["ChatGPT subscription 1", "Your models 2", "Needs setup 1"]);
    const sonnet = page.locator('[data-slug="claude-sonnet"]');
    await expect.poll(() => sonnet.textContent()).toContain("200K context");
    expect(await sonnet.textContent()).toContain("Reasoning low–xhigh");
    expect(await page.locator('[data-slug="qwen-coder"]').textContent()).toContain("Text only");
    expect(await page.locator('[data-slug="deepseek-chat"]').textContent()).toContain("Set DEEPSEEK_API_KEY");
    expect(await page.locator("div.model.off").count()).toBe(1); // not a button: cannot be picked
    expect(await page.locator("#current-name").textContent()).toBe("Not set by codex-shim");
    const html = await page.content();
    expect(html).not.toContain(ANTHROPIC_SECRET);
    expect(html).not.toContain(CHATGPT_SECRET);
    expect(offsite).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "picker-1280-light.png"), fullPage: true });
    await ctx.close();
  });

  it("small text is readable (WCAG AA contrast 4.5:1) in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const { ctx, page } = await openPicker({ colorScheme });
      await expect.poll(() => page.locator(".action.pick").count()).toBeGreaterThan(0);
      const ratios = await page.evaluate(() => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const lum = (c: string) => {
          const [r, g, b] = rgb(c).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const bgOf = (el: Element | null): string => {
          for (; el; el = el.parentElement) { const b = getComputedStyle(el).backgroundColor; if (!/rgba\(.*, 0\)$/.test(b) && b !== "transparent") return b; }
          return "rgb(255, 255, 255)";
        };
        return [".action.pick", ".hint", ".model .meta", ".group"].map((sel) => {
          const el = document.querySelector(sel)!;
          const [a, b] = [lum(getComputedStyle(el).color), lum(bgOf(el))];
          return [sel, Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 10) / 10] as const;
        });
      });
      for (const [sel, ratio] of ratios) expect(ratio, `${colorScheme} ${sel}`).toBeGreaterThanOrEqual(4.5);
      await ctx.close();
    }
  });

  it("a click switches the model without a reload; config.toml shows it and still restores byte for byte", async () => {
    const { ctx, page } = await openPicker();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await page.locator('[data-slug="claude-sonnet"]').click();
    await expect.poll(() => page.locator("#status").textContent()).toContain("Codex now uses Claude Sonnet 4.5.");
    expect(await page.locator("#status").textContent()).toContain("Start a new Codex session");
    expect(await page.locator("#restart").isDisabled()).toBe(process.platform === "linux");
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect.poll(() => page.locator('[data-slug="claude-sonnet"]').getAttribute("aria-current")).toBe("true");
    expect(await page.locator("#current-name").textContent()).toBe("Claude Sonnet 4.5");
    const text = config();
    expect(text).toMatch(/^model = "claude-sonnet"$/m);
    expect(text).toMatch(/^name = "Claude Sonnet 4\.5"$/m);
    expect(text).toContain(`base_url = "${f.shim.url}/v1"`);
    expect(removeManagedConfig(text)).toBe(USER_CONFIG);
    await page.screenshot({ path: join(SHOTS, "picker-1280-switched.png"), fullPage: true });
    await ctx.close();
  });

  it("with no models, the empty state names the settings file the shim reads and the commands as code", async () => {
    const empty = await startPickerFixture({ models: [], chatgptLogin: false });
    try {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await ctx.newPage();
      await page.goto(`${empty.shim.url}/picker`);
      await expect.poll(() => page.locator(".empty").count()).toBe(1);
      const settings = empty.shim.settingsFile; // the file the shim reads (outside HOME here, so not shortened)
      expect(await page.locator(".empty").textContent()).toBe(`No models yet. Add one to ${settings} (it is picked up without a restart), or log in to ChatGPT with codex login.`);
      expect(await page.locator(".empty code").allTextContents()).toEqual([settings, "codex login"]);
      expect(await page.locator("#current-meta").textContent()).toBe("No model to pick yet (see below).");
      await page.screenshot({ path: join(SHOTS, "picker-1280-empty.png") });
      await ctx.close();
    } finally {
      await empty.close();
    }
  });

  it("works from the keyboard: / filters, arrows move, Enter switches", async () => {
    const { ctx, page } = await openPicker();
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("filter");
    await page.keyboard.type("qwen");
    expect(await page.locator(".model .name").allTextContents()).toEqual(["Qwen 2.5 Coder 7B (local)"]);
    await page.keyboard.type("zzz");
    expect(await page.locator(".empty").textContent()).toBe("No model matches “qwenzzz”.");
    await page.screenshot({ path: join(SHOTS, "picker-1280-no-match.png") });
    await page.keyboard.press("Escape");
    expect(await page.locator(".model").count()).toBe(4);
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement)?.dataset.slug)).toBe("gpt-5.5");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement)?.dataset.slug)).toBe("qwen-coder");
    await page.screenshot({ path: join(SHOTS, "picker-1280-keyboard-focus.png") });
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#status").textContent()).toContain("Codex now uses Qwen 2.5 Coder 7B (local).");
    expect(config()).toMatch(/^model = "qwen-coder"$/m);
    // the list is rebuilt after the switch; the focus comes back to the same model
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement)?.dataset.slug)).toBe("qwen-coder");
    await ctx.close();
  });

  it("shows the exact error when the switch fails, and config.toml is left as it was", async () => {
    const { writeFileSync } = await import("node:fs");
    const good = config();
    writeFileSync(f.configFile, '[profiles.dev\nmodel = "x"\n');
    const { ctx, page } = await openPicker();
    await page.locator('[data-slug="gpt-5.5"]').click();
    await expect.poll(() => page.locator("#status.err").textContent()).toContain(`Could not switch to GPT-5.5:${f.configFile} is not valid TOML, so codex-shim left it untouched.`);
    expect(config()).toBe('[profiles.dev\nmodel = "x"\n');
    expect(await page.locator("button.model:disabled").count()).toBe(0); // usable again
    await page.screenshot({ path: join(SHOTS, "picker-1280-error.png"), fullPage: true });
    writeFileSync(f.configFile, good);
    await ctx.close();
  });

  it("is readable on a phone and in dark mode (no horizontal scrolling)", async () => {
    const { ctx, page } = await openPicker({ viewport: { width: 390, height: 844 }, colorScheme: "dark", deviceScaleFactor: 2 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, "picker-390-dark.png"), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await page.screenshot({ path: join(SHOTS, "picker-1024-dark.png"), fullPage: true });
    await ctx.close();
  });

  it("answers 403 to a request without the token, even from the page itself", async () => {
    const { ctx, page } = await openPicker();
    const statuses = await page.evaluate(async () => {
      const s = await fetch("/api/switch", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ slug: "gpt-5.5" }) });
      const m = await fetch("/api/models");
      return [s.status, m.status, await s.text()];
    });
    expect(statuses).toEqual([403, 403, '{"error":"forbidden"}']);
    expect(config()).not.toMatch(/^model = "gpt-5.5"$/m);
    await ctx.close();
  });

  it("shows the auto-router's entry first when it is active", async () => {
    const g = await startPickerFixture({ router: { enabled: true, classifier: "heuristic", candidates: [{ slug: "qwen-coder", cost: 0 }, { slug: "claude-sonnet", cost: 3, supports_images: true }] } });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`${g.shim.url}/picker`);
    await page.locator("button.model").first().waitFor();
    expect(await page.locator(".group").first().textContent()).toBe("Auto-router 1");
    expect(await page.locator("button.model").first().getAttribute("data-slug")).toBe("codex-auto");
    await page.locator('[data-slug="codex-auto"]').click();
    await expect.poll(() => page.locator('[data-slug="codex-auto"]').getAttribute("aria-current")).toBe("true");
    await page.screenshot({ path: join(SHOTS, "picker-1280-auto-router.png"), fullPage: true });
    await ctx.close();
    await g.close();
  });

  it("refuses forged cross-site POSTs (no-cors, CORS with a guessed token, a form); config.toml is untouched", async () => {
    const before = config();
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const answers: { url: string; status: number }[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/switch")) answers.push({ url: r.url(), status: r.status() });
    });
    for (const host of [ATTACKER_HOST, "127.0.0.1"]) {
      await page.goto(`http://${host}:${attackerPort}/`);
      await page.waitForURL(/\/api\/switch$/, { timeout: 10_000 }); // the form submission navigates
      await page.waitForLoadState();
      expect(await page.locator("body").textContent()).toMatch(/^(Forbidden: cross-site request|Unsupported Media Type)/);
    }
    expect(answers.length).toBeGreaterThanOrEqual(2);
    for (const a of answers) expect([403, 415]).toContain(a.status);
    expect(config()).toBe(before);
    await ctx.close();
  });
});
