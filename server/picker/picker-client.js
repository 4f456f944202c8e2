// /picker client — inlined by picker-page.ts after `const PICKER_TOKEN` and `const PICKER_PLATFORM`.
// Builds every node with textContent (model names come from the user's settings).
"use strict";
(() => {
  const HEADER = "X-Codex-Shim-Picker-Token";
  const GROUPS = [
    ["auto", "Auto-router"],
    ["chatgpt", "ChatGPT subscription"],
    ["cursor", "Cursor subscription"],
    ["own", "Your models"],
    ["off", "Needs setup"],
  ];
  const PROVIDERS = {
    auto: "auto-router",
    chatgpt: "ChatGPT login",
    cursor: "Cursor login",
    openai: "OpenAI-compatible",
    "generic-chat-completion-api": "Chat Completions",
    anthropic: "Anthropic",
  };
  const providerLabel = (p) => PROVIDERS[p] || p;
  const $ = (id) => document.getElementById(id);
  const list = $("list");
  const filter = $("filter");
  const status = $("status");
  const restart = $("restart");
  let models = [];
  let busy = false;

  const hasDesktop = PICKER_PLATFORM === "darwin" || PICKER_PLATFORM === "win32";
  restart.checked = hasDesktop;
  restart.disabled = !hasDesktop;
  if (!hasDesktop) {
    $("restart-label").classList.add("off");
    $("restart-text").textContent = "Restart Codex Desktop (not on this system)";
  }

  function el(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function groupOf(m) {
    if (!m.usable) return "off";
    if (m.provider === "auto" || m.provider === "chatgpt" || m.provider === "cursor") return m.provider;
    return "own";
  }

  function contextLabel(n) {
    if (!n) return null;
    if (n >= 1e6) return (n / 1e6).toFixed(n % 1e6 ? 1 : 0) + "M context";
    return Math.round(n / 1e3) + "K context";
  }

  function chips(m) {
    const out = [];
    const ctx = contextLabel(m.context_window);
    if (ctx) out.push(ctx);
    out.push(m.images ? "Images" : "Text only");
    const lv = m.reasoning_levels || [];
    if (lv.length) out.push("Reasoning " + (lv.length > 1 ? lv[0] + "–" + lv[lv.length - 1] : lv[0]) + (m.default_reasoning_level ? " · " + m.default_reasoning_level : ""));
    return out;
  }

  function row(m) {
    const r = el(m.usable ? "button" : "div", "model" + (m.usable ? "" : " off"));
    r.dataset.slug = m.slug;
    if (m.usable) r.type = "button";
    if (m.active) r.setAttribute("aria-current", "true");
    r.appendChild(el("span", "name", m.display_name));
    const meta = el("span", "meta");
    meta.appendChild(el("span", "slug", m.slug));
    meta.appendChild(el("span", "sep", "·"));
    meta.appendChild(el("span", "provider", providerLabel(m.provider)));
    for (const c of chips(m)) meta.appendChild(el("span", "chip", c));
    r.appendChild(meta);
    const action = m.active ? el("span", "action active", "✓ Active") : m.usable ? el("span", "action pick", "Use this model") : el("span", "action setup", "Key missing");
    r.appendChild(action);
    if (!m.usable && m.reason) r.appendChild(el("p", "reason", m.reason));
    if (m.usable) {
      r.title = m.description || "";
      r.setAttribute("aria-label", m.display_name + (m.active ? ", active" : "") + ", " + m.slug + ", " + providerLabel(m.provider));
      r.addEventListener("click", () => pick(m));
    }
    return r;
  }

  function matches(m, q) {
    return !q || (m.display_name + " " + m.slug + " " + m.provider + " " + providerLabel(m.provider)).toLowerCase().includes(q);
  }

  // keeps the focus on the same model across re-renders (buttons are rebuilt)
  let keepFocus = null;

  function render() {
    const q = filter.value.trim().toLowerCase();
    const focused = keepFocus || (document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.slug : null);
    keepFocus = null;
    list.replaceChildren();
    const shown = models.filter((m) => matches(m, q));
    if (!models.length) {
      list.appendChild(el("p", "empty", "No models yet. Add one to ~/.codex-shim/models.json (it is picked up without a restart), or log in to ChatGPT with `codex login`."));
    } else if (!shown.length) {
      list.appendChild(el("p", "empty", "No model matches “" + filter.value.trim() + "”."));
    }
    for (const [key, label] of GROUPS) {
      const inGroup = shown.filter((m) => groupOf(m) === key);
      if (!inGroup.length) continue;
      const h = el("h2", "group", label + " ");
      h.appendChild(el("span", "count", String(inGroup.length)));
      list.appendChild(h);
      const rows = el("div", "rows");
      rows.setAttribute("role", "group");
      rows.setAttribute("aria-label", label);
      for (const m of inGroup) rows.appendChild(row(m));
      list.appendChild(rows);
    }
    if (focused) {
      const again = list.querySelector('[data-slug="' + CSS.escape(focused) + '"]');
      if (again && again.tagName === "BUTTON") again.focus();
    }
    renderCurrent();
  }

  function renderCurrent() {
    const a = models.find((m) => m.active);
    $("current").classList.toggle("none", !a);
    $("current-name").textContent = a ? a.display_name : "Not set by codex-shim";
    const meta = $("current-meta");
    meta.replaceChildren();
    if (a) {
      meta.appendChild(el("span", "slug", a.slug));
      meta.appendChild(document.createTextNode(" · " + providerLabel(a.provider)));
    } else {
      meta.textContent = "Codex is not using one of these models yet. Pick one below: codex-shim is then enabled in config.toml.";
    }
  }

  function say(kind, title, detail) {
    status.hidden = false;
    status.className = "status " + kind;
    status.replaceChildren(el("strong", "", title));
    // a multi-line error (a TOML parser excerpt with a caret) keeps its columns
    if (detail && detail.includes("\n")) status.appendChild(el("pre", "detail", detail));
    else if (detail) status.appendChild(document.createTextNode(" " + detail));
  }

  async function api(path, init) {
    const res = await fetch(path, Object.assign({}, init, { headers: Object.assign({ [HEADER]: PICKER_TOKEN }, init && init.headers) }));
    let body = null;
    try {
      body = await res.json();
    } catch {}
    if (!res.ok) throw new Error((body && body.error) || "HTTP " + res.status + " from " + path);
    return body;
  }

  async function load() {
    try {
      models = await api("/api/models");
      render();
    } catch (e) {
      $("current-name").textContent = "Unavailable";
      say("err", "Could not load the models:", e.message);
    }
  }

  function setBusy(on, slug) {
    busy = on;
    list.setAttribute("aria-busy", on ? "true" : "false");
    for (const b of list.querySelectorAll("button.model")) {
      b.disabled = on;
      if (on && b.dataset.slug === slug) {
        const a = b.querySelector(".action");
        a.className = "action working";
        a.textContent = "Switching…";
      }
    }
  }

  async function pick(m) {
    if (busy || m.active) return;
    const hadFocus = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.slug === m.slug;
    setBusy(true, m.slug);
    say("busy", "Switching to " + m.display_name + "…", restart.checked ? "Codex Desktop will restart." : "");
    try {
      const r = await api("/api/switch", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ slug: m.slug, restart_codex: restart.checked }) });
      const next = r.restart_note ? r.restart_note : "Start a new Codex session (or restart Codex Desktop) to use it.";
      say("ok", "Codex now uses " + r.display_name + ".", next);
      busy = false;
      if (hadFocus) keepFocus = m.slug;
      await load();
    } catch (e) {
      say("err", "Could not switch to " + m.display_name + ":", e.message);
      busy = false;
      if (hadFocus) keepFocus = m.slug;
      render();
    }
    setBusy(false);
  }

  function buttons() {
    return Array.from(list.querySelectorAll("button.model"));
  }

  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.key === "/" && t !== filter) {
      e.preventDefault();
      filter.focus();
      filter.select();
      return;
    }
    if (t === filter) {
      if (e.key === "Escape") {
        filter.value = "";
        render();
      } else if (e.key === "ArrowDown" || (e.key === "Enter" && filter.value)) {
        const b = buttons();
        if (b.length) {
          e.preventDefault();
          if (e.key === "Enter" && b.length === 1) b[0].click();
          else b[0].focus();
        }
      }
      return;
    }
    const b = buttons();
    const i = b.indexOf(t);
    if (i < 0) return;
    let j = -1;
    if (e.key === "ArrowDown") j = Math.min(b.length - 1, i + 1);
    else if (e.key === "ArrowUp") j = i - 1;
    else if (e.key === "Home") j = 0;
    else if (e.key === "End") j = b.length - 1;
    else if (e.key === "Escape") j = -2;
    if (j === -1 && e.key === "ArrowUp") {
      e.preventDefault();
      filter.focus();
    } else if (j === -2) {
      filter.focus();
    } else if (j >= 0) {
      e.preventDefault();
      b[j].focus();
    }
  });
  filter.addEventListener("input", render);
  load();
})();
