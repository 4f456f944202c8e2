import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";

/**
 * Pitfall 11: images and screenshots. `detail:"original"` clamped (chat gateways 400 on it and the
 * poisoned rollout replays forever); `view_image` output lifted into a real image part (not base64
 * text); text-only models get a short note and never an image.
 */
const img = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAE";
const anyImage = (s: string) => /image_url|"type":"image"|base64,iVBOR/.test(s);

describe("pitfall 11: images (chat route)", () => {
  it("the real `codex exec -i` request: the image part keeps its data URL, detail within auto|low|high", () => {
    const { sent } = H.prepare("chat", codexRequestBody("image"));
    const parts = sent.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : []));
    const image = parts.find((p: any) => p.type === "image_url");
    expect(image.image_url.url).toMatch(/^data:image\/png;base64,/);
    expect(["auto", "low", "high"]).toContain(image.image_url.detail);
  });

  it.each([["original", "high"], ["xhigh", "high"], ["low", "low"], [undefined, "auto"], ["bogus", "auto"]])("detail %s → %s", (detail, want) => {
    const { sent } = H.prepare("chat", { input: [{ type: "message", role: "user", content: [{ type: "input_image", image_url: img, detail }] }] as any });
    expect(sent.messages[0].content[0].image_url.detail).toBe(want);
  });

  it("the real view_image turn-2 request: the screenshot is lifted into an image part after the tool message, never base64 text", () => {
    const { sent } = H.prepare("chat", codexRequestBody("view-image-turn2"));
    const tool = sent.messages.find((m: any) => m.role === "tool");
    expect(tool.content).not.toContain("base64");
    const after = sent.messages[sent.messages.indexOf(tool) + 1];
    expect(after.role).toBe("user");
    expect(after.content.some((p: any) => p.type === "image_url" && p.image_url.url.startsWith("data:image/png;base64,"))).toBe(true);
  });

  it("text-only model: no image anywhere, a note instead; parallel tool answers stay paired (regression)", () => {
    const m = H.auditModel("chat", { noImageSupport: true });
    const input = [H.userMsg("look"), H.fnCall("a", "view_image", { path: "a" }), H.fnCall("b", "view_image", { path: "b" }), H.fnOut("a", [{ type: "input_image", image_url: img }]), H.fnOut("b", [{ type: "input_text", text: "b:" }, { type: "input_image", image_url: img }])];
    const p = H.prepare("chat", { input: input as any }, m);
    const s = JSON.stringify(p.sent);
    expect(anyImage(s)).toBe(false);
    expect(p.sent.messages.map((x: any) => x.role + (x.tool_call_id ? `:${x.tool_call_id}` : ""))).toEqual(["user", "assistant", "tool:a", "tool:b"]);
    expect(p.sent.messages[2].content).toMatch(/image omitted/);
    expect(p.sent.messages[3].content).toMatch(/^b:\n.*image omitted/);
    expect(p.notes.some((n) => /no output/.test(n))).toBe(false);
    // the real text-only fixture too
    expect(anyImage(JSON.stringify(H.prepare("chat", codexRequestBody("image"), m).sent.messages))).toBe(false);
  });
});

describe("pitfall 11: images (Anthropic route)", () => {
  it("input_image (data URL) → base64 image block; view_image output → image inside the tool_result", () => {
    const u = H.prepare("anthropic", codexRequestBody("image")).sent;
    expect(JSON.stringify(u.messages)).toContain('"type":"image","source":{"type":"base64","media_type":"image/png"');
    const v = H.prepare("anthropic", codexRequestBody("view-image-turn2")).sent;
    const result = v.messages.flatMap((m: any) => m.content).find((b: any) => b.type === "tool_result");
    expect(result.content.some((b: any) => b.type === "image" && b.source.type === "base64")).toBe(true);
  });

  it("http image URLs become url sources", () => {
    const { sent } = H.prepare("anthropic", { input: [{ type: "message", role: "user", content: [{ type: "input_image", image_url: "https://example.com/a.png", detail: "original" }] }] as any });
    expect(sent.messages[0].content[0]).toEqual({ type: "image", source: { type: "url", url: "https://example.com/a.png" } });
  });

  it("text-only model: no image blocks, a note instead, tool results stay paired", () => {
    const m = H.auditModel("anthropic", { noImageSupport: true });
    const v = H.prepare("anthropic", codexRequestBody("view-image-turn2"), m).sent;
    expect(anyImage(JSON.stringify(v.messages))).toBe(false);
    expect(JSON.stringify(v)).toContain("image omitted");
  });
});
