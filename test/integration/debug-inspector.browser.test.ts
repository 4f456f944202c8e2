import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, skipWithoutChromium, screenshot, watchPage } from "../helpers/open-chromium.ts";
import { startInspectorRig, post, CODEX_HEADERS, HOSTILE_AGENT, HOSTILE_MODEL, HOSTILE_TOOL, type InspectorRig } from "../helpers/inspector-scenarios.ts";

/**
 * The flow inspector in real headless Chromium: what a person sees and can do. Screenshots go to
 * test/.screenshots/ (look at them when changing the page).
 */
describe.skipIf(skipWithoutChromium)("flow inspector in Chromium", () => {
  let rig: InspectorRig;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;

  beforeAll(async () => {
    rig = await startInspectorRig();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watch = watchPage(page, rig.shim.url);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  const rowOf = (id: string) => page.locator(`.row[data-id="${id}"]`);
  const select = async (id: string) => {
    await rowOf(id).click();
    await page.locator(`.detail h2 code`, { hasText: id }).waitFor();
  };
  const idOf = async (res: Response) => {
    await res.text();
    return res.headers.get("x-request-id")!;
  };

  it("empty state: says what to do, no errors, nothing fetched from outside", async () => {
    await page.goto(`${rig.shim.url}/debug`);
    await page.locator(".live.on").waitFor();
    expect(await page.locator(".list-empty").textContent()).toContain("No requests yet");
    await screenshot(page, "inspector-empty");
    expect(watch.errors).toEqual([]);
    expect(watch.foreign).toEqual([]);
  });

  it("live: a new request appears without reload, the selection survives updates, pause holds them", async () => {
    const first = await idOf(await post(rig.shim, { model: "ok", stream: true, input: "hi" }));
    await rowOf(first).waitFor({ timeout: 2000 });
    await select(first);
    const second = await idOf(await post(rig.shim, { model: "tools", stream: true, input: "ls" }));
    await rowOf(second).waitFor({ timeout: 2000 });
    expect(await rowOf(first).getAttribute("aria-selected")).toBe("true");
    expect(await page.locator(".detail h2 code").textContent()).toBe(first);
    // newest first
    expect(await page.locator(".row").first().getAttribute("data-id")).toBe(second);
    // an in-flight request updates in place
    const slow = await post(rig.shim, { model: "slow", stream: true, input: "hi" });
    const slowId = slow.headers.get("x-request-id")!;
    await rowOf(slowId).locator(".badge.in_flight").waitFor({ timeout: 2000 });
    rig.releaseSlow();
    await slow.text();
    await rowOf(slowId).locator(".badge.completed").waitFor({ timeout: 2000 });
    await page.getByRole("button", { name: "Pause" }).click();
    const held = await idOf(await post(rig.shim, { model: "ok", stream: true, input: "hi" }));
    await page.locator(".live.paused", { hasText: "updates waiting" }).waitFor({ timeout: 2000 });
    expect(await rowOf(held).count()).toBe(0);
    await page.getByRole("button", { name: "Resume" }).click();
    await rowOf(held).waitFor({ timeout: 2000 });
  });

  it("a 429: status, code, message and Retry-After up front", async () => {
    const id = await idOf(await post(rig.shim, { model: "limited", stream: true, input: "hi" }));
    await rowOf(id).waitFor();
    await select(id);
    const callout = page.locator(".callout.bad");
    expect(await callout.locator(".status").textContent()).toBe("HTTP 429");
    expect(await callout.locator(".errcode").textContent()).toBe("rate_limit_exceeded");
    expect(await callout.locator(".retry").textContent()).toBe("Retry-After: 7 s");
    expect(await callout.locator(".errmsg").textContent()).toContain("Rate limit reached");
    expect(await page.locator(".facts").textContent()).toContain("up-429");
    await screenshot(page, "inspector-429");
  });

  it("a tool call: names and call ids, not a text answer", async () => {
    const id = await idOf(await post(rig.shim, { model: "tools", stream: true, input: "ls" }));
    await rowOf(id).waitFor();
    expect(await rowOf(id).locator(".tools-tag").textContent()).toBe("2 tools");
    await select(id);
    expect(await page.locator(".tools .toolname").allTextContents()).toEqual(["shell", "read_file"]);
    await page.locator(".tools").scrollIntoViewIfNeeded();
    await screenshot(page, "inspector-tools");
  });

  it("an abort mid-stream: the CLIENT_ABORT arrow out of streaming is highlighted, the pump's arrows are not", async () => {
    const res = await post(rig.shim, { model: "slow", stream: true, input: "hi" });
    const id = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await rowOf(id).locator(".badge.aborted").waitFor({ timeout: 3000 });
    await select(id);
    const svg = page.locator("svg.machine");
    expect(await svg.locator('path.edge.hit[data-tid="request|CLIENT_ABORT|0"]').count()).toBe(1);
    expect(await svg.locator(".elabel.hit", { hasText: "CLIENT_ABORT (from streaming)" }).count()).toBe(1);
    for (const i of [0, 1, 2]) expect(await svg.locator(`path.edge[data-tid="request.streaming|xstate.done.actor.pump|${i}"]`).getAttribute("class")).not.toContain("hit");
    expect(await svg.locator("g.node.current text").textContent()).toBe("aborted");
    // the path before: connect's arrow is lit
    expect(await svg.locator('path.edge.hit[data-tid="request.connecting|xstate.done.actor.connect|0"]').count()).toBe(1);
    await svg.evaluate((el) => el.closest(".card")!.scrollIntoView({ block: "start" }));
    await screenshot(page, "inspector-abort");
  });

  it("hostile model names, tool names, error messages and headers stay text: no script runs", async () => {
    const a = await idOf(await post(rig.shim, { model: HOSTILE_MODEL, stream: true, input: "hi" }, { ...CODEX_HEADERS, "user-agent": HOSTILE_AGENT }));
    const b = await idOf(await post(rig.shim, { model: "hostile", stream: true, input: "hi", tools: [{ type: "function", name: HOSTILE_TOOL, parameters: { type: "object" } }] }));
    await rowOf(a).waitFor();
    await rowOf(b).waitFor();
    await select(a);
    expect(await page.locator(".row .model", { hasText: HOSTILE_MODEL }).count()).toBe(1);
    expect(await page.locator(".callout .errmsg").textContent()).toContain(HOSTILE_MODEL);
    expect(await page.locator(".facts").textContent()).toContain("<svg onload=window.__xss=3>");
    await screenshot(page, "inspector-hostile");
    await select(b);
    expect(await page.locator(".tools .toolname").textContent()).toBe(HOSTILE_TOOL);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("img, script:not([src]), svg[onload]").count()).toBe(0);
    expect(watch.errors).toEqual([]);
  });

  it("the translation diff: the switch turns capture on; Codex's request beside the upstream one, and both streams", async () => {
    await page.locator("#capture").check();
    await page.locator(".switch.on").waitFor();
    const id = await idOf(await post(rig.shim, { model: "ok", stream: true, input: "what changed?" }));
    await rowOf(id).waitFor();
    await select(id);
    const tr = page.locator(".translation");
    await tr.locator(".difftable").first().waitFor({ timeout: 3000 });
    expect(await tr.locator(".drow.changed td.b", { hasText: '"model": "up-ok"' }).count()).toBe(1);
    expect(await tr.locator(".drow.changed td.a", { hasText: '"model": "ok"' }).count()).toBe(1);
    expect(await tr.locator(".difftable.stream td.a").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("from the upstream.")]));
    expect(await tr.locator(".difftable.stream td.b").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("response.completed")]));
    await tr.evaluate((el) => el.scrollIntoView({ block: "start" }));
    await screenshot(page, "inspector-translation");
    await page.locator("#capture").uncheck();
    await page.locator(".switch:not(.on)").waitFor();
    expect(rig.shim.ctx.traces.captures.enabled).toBe(false);
  });

  it("200+ requests: all listed, search by id, filter problems, keyboard navigation, permalinks", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 220; i++) ids.push(await idOf(await post(rig.shim, { model: i % 20 === 0 ? "limited" : "ok", input: `n${i}` })));
    await rowOf(ids.at(-1)!).waitFor({ timeout: 3000 });
    expect(await page.locator(".row").count()).toBeGreaterThanOrEqual(220);
    expect(await page.locator(".counts").textContent()).toMatch(/problems/);
    await page.locator("#search").fill(ids[7]);
    expect(await page.locator(".row:visible").count()).toBe(1);
    expect(await page.locator(".row:visible").getAttribute("data-id")).toBe(ids[7]);
    await page.locator("#search").fill("");
    await page.selectOption('select[aria-label="Outcome"]', "problems");
    const problems = await page.locator(".row:visible .badge").allTextContents();
    expect(problems.length).toBeGreaterThanOrEqual(11);
    expect(problems.every((b) => !["200", "…"].includes(b))).toBe(true);
    await page.locator(".row:visible").first().click();
    await screenshot(page, "inspector-many-problems");
    await page.selectOption('select[aria-label="Outcome"]', "");
    await rowOf(ids.at(-1)!).click();
    await page.keyboard.press("ArrowDown");
    await page.locator(`.row[data-id="${ids.at(-2)}"][aria-selected="true"]`).waitFor();
    await page.keyboard.press("k");
    await page.locator(`.row[data-id="${ids.at(-1)}"][aria-selected="true"]`).waitFor();
    expect(new URL(page.url()).hash).toBe(`#${ids.at(-1)}`);
    // a permalink opens the page on that request
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.goto(`${rig.shim.url}/debug#${ids[3]}`);
    await other.locator(".detail h2 code", { hasText: ids[3] }).waitFor();
    expect(await other.locator(`.row[data-id="${ids[3]}"]`).getAttribute("aria-selected")).toBe("true");
    await other.close();
  }, 60_000);

  it("narrow width: one column, nothing cut off sideways", async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    await page.waitForTimeout(100);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    // the machine diagram is not shrunk to fit (its labels would be ~5px): it scrolls in its own box
    if (!(await page.locator("svg.machine").count())) await page.locator(".row").first().click();
    const svg = await page.evaluate(() => {
      const el = document.querySelector("svg.machine");
      return el ? { shown: el.getBoundingClientRect().width, natural: Number(el.getAttribute("width")), box: el.parentElement!.clientWidth } : null;
    });
    expect(svg).not.toBeNull();
    expect(svg!.shown).toBe(svg!.natural);
    expect(svg!.box).toBeLessThan(420);
    await screenshot(page, "inspector-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(watch.errors).toEqual([]);
    expect(watch.foreign).toEqual([]);
  });
});
