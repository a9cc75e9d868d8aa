// plummock control page: drives the admin API of the mock that serves it (same origin only).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = "plummock.adminToken";
  const POLL_MS = 1000;
  let clock = null;   // the mock's clock as last read
  let clockAt = 0;    // performance.now() when it was read
  let tokens = null;  // the last token set this page obtained
  const rendered = {}; // last JSON rendered per panel, to skip identical redraws
  let chosenCompany = null; // the company whose client id fills the form

  // el builds an element from a tag, attributes and children (strings become text, never HTML).
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }

  function say(msg, bad) {
    const s = $("status");
    s.textContent = msg;
    s.classList.toggle("bad", !!bad);
  }

  // admin calls the admin API with the admin token, if one was given, as a Bearer header.
  async function admin(method, path, body) {
    const headers = {};
    const tok = sessionStorage.getItem(TOKEN_KEY);
    if (tok) headers.Authorization = "Bearer " + tok;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const r = await fetch("/__admin" + path, {method, headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body)});
    const data = await r.json().catch(() => null);
    if (r.status === 401) {
      $("login").hidden = false;
      throw new Error("the admin API wants the admin token");
    }
    if (!r.ok) throw new Error(method + " /__admin" + path + ": " + r.status + " " + describe(data));
    return data;
  }

  function describe(body) {
    if (!body) return "";
    return body.error_description || body.error || body.error_message_id || body.errorInfo || body.message || JSON.stringify(body);
  }

  // act runs an action from a button, reports its outcome and redraws at once.
  async function act(label, fn) {
    try {
      const msg = await fn();
      say(label + (msg ? ": " + msg : ""));
    } catch (e) {
      say(label + ": " + e.message, true);
    }
    await refresh();
  }

  // mockNow is the mock's time now: its last reading plus the time elapsed since, unless frozen.
  function mockNow() {
    if (!clock) return null;
    return clock.now_ms + (clock.frozen ? 0 : Math.round(performance.now() - clockAt));
  }

  function setClock(c) {
    clock = c;
    clockAt = performance.now();
    $("clock").dataset.nowMs = String(c.now_ms);
    $("clock").dataset.frozen = String(c.frozen);
    $("clock-offset").textContent = c.offset_ms ? "offset " + c.offset : c.frozen ? "" : "real time";
    $("clock-frozen").hidden = !c.frozen;
    $("clock-freeze").textContent = c.frozen ? "unfreeze" : "freeze";
    tick();
  }

  // span formats a duration in ms as "14d 23h 59m 58s".
  function span(ms) {
    let s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400); s %= 86400;
    const h = Math.floor(s / 3600); s %= 3600;
    const m = Math.floor(s / 60); s %= 60;
    return (d ? d + "d " : "") + (d || h ? h + "h " : "") + (d || h || m ? m + "m " : "") + s + "s";
  }

  // tick redraws the clock and every countdown from the mock's time.
  function tick() {
    const now = mockNow();
    if (now === null) return;
    $("clock-now").textContent = new Date(now).toISOString().replace(".000Z", "Z").replace(/\.\d+Z$/, "Z");
    for (const c of document.querySelectorAll("[data-exp]")) {
      const left = Number(c.dataset.exp) - now;
      const dead = c.dataset.status !== "live";
      c.textContent = dead ? c.dataset.status : left > 0 ? "live, " + span(left) + " left" : "expired " + span(left) + " ago";
      c.className = "cd " + (dead || left <= 0 ? "dead" : left < 3600000 ? "soon" : "live");
    }
  }

  function changed(key, data) {
    const s = JSON.stringify(data);
    if (rendered[key] === s) return false;
    rendered[key] = s;
    return true;
  }

  function countdown(t) {
    if (!t) return el("span", {class: "muted"}, "—");
    return el("span", {"data-exp": String(Date.parse(t.expires_at)), "data-status": t.status});
  }

  function isLive(t) {
    return !!t && t.status === "live" && Date.parse(t.expires_at) > mockNow();
  }

  // family picks the tokens that matter: the latest access token and the newest refresh token.
  function familyRow(f) {
    const access = f.latest_access || f.access_tokens.find((t) => t.status === "live") || f.access_tokens[0];
    const refresh = f.refresh_tokens.find((t) => t.status === "live") || f.refresh_tokens[f.refresh_tokens.length - 1];
    const live = isLive(access) || isLive(refresh);
    return {live, row: el("tr", {class: live ? "" : "dead-row"},
      el("td", {}, f.kind), el("td", {}, f.subject), el("td", {}, f.scope || ""),
      el("td", {}, countdown(access)), el("td", {}, countdown(refresh)), el("td", {class: "muted"}, f.id))};
  }

  function renderState(st) {
    if (!changed("state", [st, $("show-dead").checked])) return;
    const box = $("companies");
    box.replaceChildren();
    for (const c of st.companies) {
      box.append(el("h3", {}, c.id + (c.name ? " — " + c.name : ""), el("span", {class: "muted"}, " client " + c.client_id)));
      const users = el("tbody");
      for (const u of c.users) users.append(el("tr", {}, el("td", {}, u.email), el("td", {}, u.super_admin ? "Super Admin" : "user"), el("td", {}, String(u.balance))));
      box.append(el("table", {class: "users"}, el("thead", {}, el("tr", {}, el("th", {}, "user"), el("th", {}, "role"), el("th", {}, "balance"))), users));
      const fams = el("tbody");
      let hidden = 0;
      for (const f of c.families) {
        const {live, row} = familyRow(f);
        if (live || $("show-dead").checked) fams.append(row); else hidden++;
      }
      box.append(el("table", {class: "families"}, el("thead", {}, el("tr", {}, ...["kind", "subject", "scope", "access token", "refresh token", "family"].map((h) => el("th", {}, h)))), fams));
      if (!st.families_listed) box.append(el("p", {class: "muted"}, "This store cannot list token families."));
      else if (hidden) box.append(el("p", {class: "muted"}, hidden + " dead famil" + (hidden === 1 ? "y" : "ies") + " hidden"));
    }
    fillChoices(st);
    tick();
  }

  // fillChoices offers the state's companies and users in the selects, keeping the choice made.
  function fillChoices(st) {
    const company = $("company");
    const keep = company.value;
    company.replaceChildren(...st.companies.map((c) => el("option", {}, c.id)));
    if (st.companies.some((c) => c.id === keep)) company.value = keep;
    const c = st.companies.find((x) => x.id === company.value);
    if (!c) return;
    if (company.value !== chosenCompany) $("client-id").value = c.client_id;
    chosenCompany = company.value;
    for (const [id, first] of [["user", []], ["scenario-user", [el("option", {value: ""}, "the whole company")]]]) {
      const sel = $(id);
      const was = sel.value;
      sel.replaceChildren(...first, ...c.users.map((u) => el("option", {}, u.email)));
      if ([...sel.options].some((o) => o.value === was)) sel.value = was;
    }
  }

  function renderJournal(j) {
    if (!changed("journal", j.requests)) return;
    const body = $("journal").tBodies[0];
    body.replaceChildren(...j.requests.map((e) => {
      const reason = e.reason || e.error_code || "";
      return el("tr", {class: e.status >= 400 ? "rejected" : "", "data-seq": String(e.seq), "data-operation": e.operation || ""},
        el("td", {class: "muted"}, e.time.slice(5, 19).replace("T", " ")),
        el("td", {}, e.method + " " + e.path, e.operation ? el("span", {class: "muted"}, " " + e.operation) : null),
        el("td", {class: "code"}, String(e.status)),
        el("td", {class: "reason"}, reason, e.fault ? el("span", {class: "badge"}, "fault " + e.fault) : null));
    }));
  }

  function renderScenarios(sc) {
    if (!changed("scenarios", sc)) return;
    $("scenarios").replaceChildren(...sc.scenarios.map((name) => el("button", {"data-scenario": name, onclick: () => runScenario(name)}, name.replaceAll("_", " "))));
    const blocks = sc.blocks || [];
    $("blocks").replaceChildren(...(blocks.length ? [el("p", {}, "blocked: " + blocks.map((b) => (b.user || b.company) + " (" + b.reason + ")").join(", ") + " "),
      el("button", {onclick: () => act("blocks lifted", () => admin("DELETE", "/scenarios").then(() => ""))}, "lift blocks")] : []));
  }

  function runScenario(name) {
    const body = {company: $("company").value};
    if ($("scenario-user").value) body.user = $("scenario-user").value;
    act("scenario " + name, async () => {
      const r = await admin("POST", "/scenarios/" + name, body);
      if (r.tokens) $("company-token").value = r.tokens.access_token; // regenerate: the new company token
      return r.revoked + " revoked" + (r.blocked ? ", now blocked" : "") + (r.tokens ? ", new company token filled in" : "");
    });
  }

  function renderFaults(f) {
    if (!changed("faults", f)) return;
    $("faults").replaceChildren(...f.faults.map((x) => el("li", {},
      x.id + ": " + x.operation + " → " + (x.drop ? "drop" : x.status) + (x.preset ? " (" + x.preset + ")" : "") + (x.remaining ? ", " + x.remaining + " left" : "") + (x.percent ? ", " + x.percent + "%" : "") + " ",
      el("button", {onclick: () => act("fault " + x.id + " removed", () => admin("DELETE", "/faults/" + encodeURIComponent(x.id)).then(() => ""))}, "remove"))),
    ...(f.rate_limits || []).map((l) => el("li", {}, "rate limit: " + l.operation + " " + l.per_minute + "/min")));
  }

  function renderProfile(p) {
    if (!changed("profile", p)) return;
    $("profile").replaceChildren(...Object.entries(p).map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, typeof v === "string" ? v : JSON.stringify(v)))));
  }

  let polling = null;
  // poll reads everything the page shows; one reading at a time, the next a second later.
  async function poll() {
    if (polling) return polling;
    polling = (async () => {
      try {
        const [c, st, j, sc, f, p] = await Promise.all(["/clock", "/state", "/requests?limit=50", "/scenarios", "/faults", "/profile"].map((x) => admin("GET", x)));
        setClock(c); renderState(st); renderJournal(j); renderScenarios(sc); renderFaults(f); renderProfile(p);
        $("login").hidden = true;
      } catch (e) {
        say(e.message, true);
      }
    })();
    try { await polling; } finally { polling = null; }
  }

  // refresh reads everything after a change: a reading already in flight may predate it.
  async function refresh() {
    if (polling) await polling;
    return poll();
  }

  // plum calls the fake Plum API under /chef, as an app would.
  async function plum(method, path, headers, body) {
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const r = await fetch("/chef" + path, {method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body)});
    const data = await r.json().catch(() => null);
    $("token-result").hidden = false;
    $("token-result").textContent = method + " /chef" + path + " → " + r.status + "\n" + JSON.stringify(data, null, 2);
    if (!r.ok) throw new Error(r.status + " " + describe(data));
    return data;
  }

  function showTokens(set) {
    tokens = {access: set.access_token, refresh: set.refresh_token};
    $("token-out").hidden = false;
    $("access-token").value = set.access_token;
    $("env-snippet").value = ["PLUM_BASE_URL=" + location.origin + "/chef", "PLUM_CLIENT_ID=" + $("client-id").value,
      "PLUM_CLIENT_SECRET=" + $("client-secret").value, "PLUM_ACCESS_TOKEN=" + set.access_token, "PLUM_REFRESH_TOKEN=" + set.refresh_token].join("\n") + "\n";
    $("validate-token").disabled = $("refresh-token").disabled = false;
  }

  async function copy(id) {
    const box = $(id);
    try {
      await navigator.clipboard.writeText(box.value);
    } catch {
      box.select(); // outside a secure context the clipboard API is missing: fall back to selection
      document.execCommand("copy");
    }
    say("copied " + id.replace("-", " "));
  }

  function wire() {
    for (const b of document.querySelectorAll("[data-advance]")) {
      b.addEventListener("click", () => act("clock +" + b.dataset.advance, () => admin("POST", "/clock/advance", {duration: b.dataset.advance}).then((c) => c.now)));
    }
    $("clock-freeze").addEventListener("click", () => {
      const action = clock && clock.frozen ? "unfreeze" : "freeze";
      act("clock " + action, () => admin("POST", "/clock/" + action).then((c) => c.now));
    });
    $("clock-reset").addEventListener("click", () => act("clock reset", () => admin("POST", "/clock/reset").then((c) => c.now)));
    $("mock-reset").addEventListener("click", () => act("mock reset", () => admin("POST", "/reset").then(() => "")));
    $("journal-clear").addEventListener("click", () => act("journal cleared", () => admin("DELETE", "/requests").then(() => "")));
    $("faults-clear").addEventListener("click", () => act("faults cleared", () => admin("DELETE", "/faults").then(() => "")));
    for (const b of document.querySelectorAll("[data-preset]")) {
      b.addEventListener("click", () => {
        const rule = {operation: $("fault-op").value, count: Number($("fault-count").value) || 1};
        if (b.dataset.preset === "drop") rule.drop = true; else rule.preset = b.dataset.preset;
        act("fault", () => admin("POST", "/faults", rule).then((r) => r.id + " on " + r.operation));
      });
    }
    for (const b of document.querySelectorAll("[data-copy]")) b.addEventListener("click", () => copy(b.dataset.copy));
    $("get-token").addEventListener("click", () => act("get a token", async () => {
      const set = await plum("POST", "/v1/oauth/token/create/user", {Authorization: "Bearer " + $("company-token").value},
        {user_input: $("user").value, scope: "user_session"});
      showTokens(set);
      return "access token for " + $("user").value;
    }));
    $("validate-token").addEventListener("click", () => act("validate", async () => {
      const v = await plum("GET", "/v1/oauth/token", {Authorization: "Bearer " + tokens.access});
      return "valid, expires_in " + v.expires_in;
    }));
    $("refresh-token").addEventListener("click", () => act("refresh", async () => {
      const set = await plum("POST", "/v1/oauth/token/user", {}, {grant_type: "refresh_token", refresh_token: tokens.refresh,
        client_id: $("client-id").value, client_secret: $("client-secret").value});
      showTokens(set);
      return "new pair";
    }));
    $("show-dead").addEventListener("change", () => poll());
    $("company").addEventListener("change", () => { rendered.state = null; poll(); });
    $("login").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("login-token").value);
      $("login-token").value = "";
      act("admin token set", async () => "");
    });
  }

  wire();
  poll();
  setInterval(() => { if (!document.hidden) poll(); }, POLL_MS);
  setInterval(tick, 250);
})();
