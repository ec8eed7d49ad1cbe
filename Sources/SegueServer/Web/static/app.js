"use strict";
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const $ = (s, r = document) => r.querySelector(s);
  const el = (tag, attrs = {}, text) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text != null) e.textContent = text; return e; };

  // A first visit sends the browser's time zone (kept only while none is saved); Settings changes it.
  if (document.body.dataset.timeZone === "unset") {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) fetch("/settings/time-zone", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf }, body: "time_zone=" + encodeURIComponent(zone) }).catch(() => {});
  }

  async function api(method, path, body) {
    const res = await fetch(path, { method, headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw new Error(data?.error?.message || `Request failed (${res.status})`);
    return data;
  }

  function follow(job, onUpdate) {
    return new Promise((resolve) => {
      const source = new EventSource(`/api/v1/jobs/${job.id}/events`);
      const handle = (e) => { const j = JSON.parse(e.data); onUpdate(j); if (["succeeded", "failed", "cancelled", "dead"].includes(j.state)) { source.close(); resolve(j); } };
      source.addEventListener("progress", handle);
      source.addEventListener("done", handle);
      source.onerror = () => { source.close(); api("GET", `/api/v1/jobs/${job.id}`).then((j) => { onUpdate(j); resolve(j); }).catch(() => resolve(job)); };
    });
  }

  document.querySelectorAll("form[data-confirm]").forEach((f) => f.addEventListener("submit", (e) => { if (!confirm(f.dataset.confirm)) e.preventDefault(); }));

  // Explore: custom dates only when "Custom" is chosen.
  const range = $("#range");
  if (range) { const sync = () => range.form.classList.toggle("is-custom", range.value === "custom"); range.addEventListener("change", sync); sync(); }

  // Start: uploads with a progress bar, then the import job.
  const drop = $("#drop");
  if (drop) {
    const input = $("#file"), box = $("#up-progress"), bar = $("#up-bar"), meter = $(".meter", box), status = $("#up-status"), demo = $("#demo");
    const show = (pct, text) => { box.hidden = false; bar.style.width = `${pct}%`; meter.setAttribute("aria-valuenow", String(Math.round(pct))); status.textContent = text; };
    const busy = (on) => { demo.disabled = on; input.disabled = on; };
    const upload = (file, index, count) => new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/api/v1/uploads?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) show(((index + e.loaded / e.total) / count) * 70, `Uploading ${file.name}: ${Math.round((e.loaded / e.total) * 100)}%`); };
      xhr.onload = () => { let d = null; try { d = JSON.parse(xhr.responseText); } catch (_) {} xhr.status === 201 ? resolve(d) : reject(new Error(d?.error?.message || `Upload failed (${xhr.status})`)); };
      xhr.onerror = () => reject(new Error("The upload was interrupted."));
      xhr.send(file);
    });
    const runImport = async (body) => {
      const job = await api("POST", "/api/v1/imports", body);
      const done = await follow(job, (j) => show(70 + j.progress * 30, j.detail || "Importing…"));
      if (done.state !== "succeeded") throw new Error(done.error || "The import did not finish.");
      const t = done.report?.total;
      show(100, t ? `Imported ${t.musicPlays.toLocaleString()} plays (${t.duplicates.toLocaleString()} duplicates skipped). Opening Explore…` : "Done.");
      setTimeout(() => { location.href = "/explore"; }, 900);
    };
    const start = async (files) => {
      if (!files.length) return;
      busy(true);
      try {
        const ids = [];
        for (let i = 0; i < files.length; i++) ids.push((await upload(files[i], i, files.length)).id);
        await runImport({ uploads: ids });
      } catch (err) { show(0, err.message); busy(false); }
    };
    input.addEventListener("change", () => start([...input.files]));
    drop.addEventListener("click", (e) => { if (e.target === drop) input.click(); });
    ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
    ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
    drop.addEventListener("drop", (e) => start([...e.dataTransfer.files]));
    demo.addEventListener("click", async () => { busy(true); show(5, "Preparing the demo data…"); try { await runImport({ demo: true }); } catch (err) { show(0, err.message); busy(false); } });
  }

  // Create: render jobs with live progress, preview, downloads and sharing; after a reload, the
  // session's renders are listed again (GET /api/v1/jobs).
  const form = $("#create-form");
  if (form) {
    const jobs = $("#jobs");
    // Periods as on Explore: a preset fills From and To (dates from the server, in the profile's zone).
    const period = $("#create-range");
    const syncPeriod = () => {
      const o = period.selectedOptions[0];
      form.classList.toggle("is-custom", period.value === "custom");
      if (period.value !== "custom") { form.elements.from.value = o.dataset.from || ""; form.elements.to.value = o.dataset.to || ""; }
    };
    period.addEventListener("change", syncPeriod); syncPeriod();
    const makeCard = (titleText) => {
      const card = el("article", { class: "job", "aria-busy": "true" });
      const title = el("h3", {}, titleText);
      const meter = el("div", { class: "meter", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0", "aria-label": "Progress" });
      const fill = el("span"); meter.append(fill);
      const status = el("p", { class: "status", role: "status" }, "Queued…");
      const cancel = el("button", { class: "button", type: "button" }, "Cancel");
      card.append(title, meter, status, cancel);
      return { card, title, meter, fill, status, cancel };
    };
    const finish = (done, c) => {
      c.cancel.remove(); c.card.setAttribute("aria-busy", "false");
      if (done.state !== "succeeded") { c.meter.remove(); c.status.textContent = done.state === "cancelled" ? "Cancelled." : done.error || "The render failed for an unknown reason."; return; }
      c.meter.remove();
      c.status.textContent = done.frames > 1 ? `${done.frames} frames, ${done.width}×${done.height}` : `${done.width}×${done.height}`;
      const main = done.files.find((x) => x.format === "png") || done.files[0];
      let preview;
      if (main.mediaType.startsWith("video/")) { preview = el("video", { class: "preview", controls: "", playsinline: "", loop: "", muted: "", src: main.url }); preview.muted = true; preview.autoplay = true; }
      else preview = el("img", { class: "preview", src: main.url, alt: c.title.textContent });
      const links = el("div", { class: "downloads" });
      for (const file of done.files) links.append(el("a", { class: "button", href: `${file.url}?download=1`, download: "" }, `Download ${file.format.toUpperCase()} (${file.bytes < 1048576 ? `${Math.max(1, Math.round(file.bytes / 1024))} KB` : `${(file.bytes / 1048576).toFixed(1)} MB`})`));
      if (navigator.canShare) {
        const share = el("button", { class: "button primary", type: "button" }, "Share");
        share.addEventListener("click", async () => {
          try { const blob = await (await fetch(main.url)).blob(); const fileObj = new File([blob], `segue.${main.format}`, { type: main.mediaType });
            if (navigator.canShare({ files: [fileObj] })) await navigator.share({ files: [fileObj], title: "My Segue chart" }); } catch (_) {}
        });
        links.prepend(share);
      }
      c.card.append(preview, links);
    };
    const watch = async (job, c) => {
      c.cancel.addEventListener("click", () => api("DELETE", `/api/v1/jobs/${job.id}`).catch(() => {}));
      const done = await follow(job, (j) => {
        const pct = Math.round(j.progress * 100);
        c.fill.style.width = `${pct}%`; c.meter.setAttribute("aria-valuenow", String(pct));
        c.status.textContent = j.state === "queued" ? "Waiting for a free worker…" : `${pct}% · ${j.detail || ""}`;
      });
      finish(done, c);
    };
    const render = async (output) => {
      const f = new FormData(form);
      const body = { output, kind: f.get("kind"), metric: f.get("metric"), top: Number(f.get("top")), size: f.get("size"), theme: f.get("theme") };
      if (f.get("from")) body.from = f.get("from");
      if (f.get("to")) body.to = f.get("to");
      if (output === "animation") { body.container = f.get("container"); body.period = f.get("period"); if (f.get("duration")) body.duration = Number(f.get("duration")); }
      const c = makeCard(output === "image" ? `Top ${body.top} ${body.kind} · image` : `Top ${body.top} ${body.kind} · ${body.container.toUpperCase()} race`);
      jobs.prepend(c.card);
      try { await watch(await api("POST", "/api/v1/renders", body), c); }
      catch (err) { c.status.textContent = err.message; c.cancel.remove(); c.meter.remove(); c.card.setAttribute("aria-busy", "false"); }
    };
    $("#make-image").addEventListener("click", () => render("image"));
    $("#make-video").addEventListener("click", () => render("animation"));
    api("GET", "/api/v1/jobs").then((all) => {
      const renders = all.filter((j) => j.kind === "render").sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      for (const j of renders) {
        const c = makeCard(j.title || "Render");
        jobs.prepend(c.card);
        if (["queued", "running"].includes(j.state)) watch(j, c); else finish(j, c);
      }
    }).catch(() => {});
  }

  // Recap: the video as a background job, its progress, then the player (POST /api/v1/recap/video).
  const recapVideo = $("#recap-video");
  if (recapVideo) {
    const button = $("#make-recap-video", recapVideo), meter = $(".meter", recapVideo), fill = $(".meter span", recapVideo), status = $(".status", recapVideo), result = $(".recap-video-result", recapVideo);
    const watch = async (job) => {
      button.disabled = true; meter.hidden = false; recapVideo.setAttribute("aria-busy", "true");
      const done = await follow(job, (j) => {
        const pct = Math.round(j.progress * 100);
        fill.style.width = `${pct}%`; meter.setAttribute("aria-valuenow", String(pct));
        status.textContent = j.state === "queued" ? "Waiting for a free worker…" : `${pct}% · ${j.detail || "Starting"}`;
      });
      button.disabled = false; meter.hidden = true; recapVideo.setAttribute("aria-busy", "false");
      if (done.state !== "succeeded") { status.textContent = done.state === "cancelled" ? "Cancelled." : `The video could not be made. ${done.error || ""}`.trim(); return; }
      const file = (done.files || [])[0];
      status.textContent = `${done.frames} frames, ${done.width}×${done.height}, ready.`;
      result.replaceChildren();
      const video = el("video", { class: "preview", controls: "", playsinline: "", preload: "metadata", src: file.url });
      const link = el("a", { class: "button", href: `${file.url}?download=1`, download: "" }, `Download the video (MP4, ${(file.bytes / 1048576).toFixed(1)} MB)`);
      const p = el("p"); p.append(link);
      result.append(video, p);
      button.textContent = "Make it again";
    };
    button.addEventListener("click", async () => {
      button.disabled = true; status.textContent = "Starting…";
      try { await watch(await api("POST", `/api/v1/recap/video?${recapVideo.dataset.query}`)); }
      catch (err) { status.textContent = err.message; button.disabled = false; }
    });
    // A video still being made when the page was opened: follow it.
    if (recapVideo.dataset.job && ["queued", "running"].includes(recapVideo.dataset.state)) watch({ id: recapVideo.dataset.job });
  }

  // Live: snapshots pushed by the server (GET /api/v1/live/stream); the page only draws them.
  const live = $("#live");
  if (live) {
    const fmt = new Intl.NumberFormat();
    const fmt1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
    const status = $("#live-status");
    const labels = JSON.parse($("#live-window").dataset.phrases || "{}");
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // Numbers glide to their new value; the final text is exact as soon as the tween ends.
    const tween = (node, to, format) => {
      const from = Number(node.dataset.value || 0);
      node.dataset.value = to;
      if (reduced || from === to) { node.textContent = format(to); return; }
      const start = performance.now();
      const step = (t) => {
        const k = Math.min(1, (t - start) / 400);
        node.textContent = format(k < 1 ? from + (to - from) * (1 - Math.pow(1 - k, 3)) : to);
        if (k < 1 && Number(node.dataset.value) === to) requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    };
    const name = (t) => t.artist ? `${t.track} — ${t.artist}` : t.track;
    const draw = (s) => {
      tween($("#live-streams"), s.streams, (v) => fmt.format(Math.round(v)));
      tween($("#live-users"), s.active_users, (v) => fmt.format(Math.round(v)));
      tween($("#live-eps"), s.events_per_second, (v) => fmt1.format(v));
      $("#live-top").textContent = s.top_song ? `${name(s.top_song)} (${fmt.format(s.top_song.streams)})` : "Nothing yet.";
      const peak = Math.max(1, ...s.leaderboard.map((t) => t.streams));
      const board = $("#live-board");
      const rows = s.leaderboard.map((t, rank) => {
        const key = `${t.artist}\u001f${t.track}`;
        let li = [...board.children].find((c) => c.dataset.key === key);
        if (!li) {
          li = el("li"); li.dataset.key = key;
          li.append(el("span", { class: "rank", "aria-hidden": "true" }), el("span", { class: "name" }, name(t)), el("span", { class: "count" }), el("span", { class: "bar", "aria-hidden": "true" }));
        }
        li.querySelector(".rank").textContent = String(rank + 1);
        li.querySelector(".count").textContent = fmt.format(t.streams);
        li.querySelector(".bar").style.width = `${(100 * t.streams / peak).toFixed(1)}%`;
        return li;
      });
      board.replaceChildren(...rows);
      // The last minute is still running: its count is scaled to a whole minute (from 15 s on) and
      // drawn dashed, so a line does not plunge at the right edge.
      const minutes = s.trend.minutes.length, w = 300, h = 110;
      const started = minutes ? Date.parse(s.trend.minutes[minutes - 1]) : NaN;
      const elapsed = Math.min(60, Math.max(15, (Date.parse(s.as_of) - started) / 1000 || 60));
      const rate = (x) => x.counts.map((c, j) => (j === minutes - 1 ? (c * 60) / elapsed : c));
      const top = Math.max(1, ...s.trend.series.flatMap(rate));
      const stepX = w / Math.max(1, minutes - 1);
      const point = (c, j) => `${(j * stepX).toFixed(1)},${(h - (c / top) * (h - 8) - 4).toFixed(1)}`;
      const lines = s.trend.series.map((x, i) => {
        const values = rate(x), n = values.length;
        const done = values.slice(0, Math.max(1, n - 1)).map(point).join(" ");
        const open = n > 1 ? `<polyline class="s${i} open" points="${point(values[n - 2], n - 2)} ${point(values[n - 1], n - 1)}" fill="none" stroke-width="2" stroke-dasharray="4 4"/>` : "";
        return `<polyline class="s${i}" points="${done}" fill="none" stroke-width="2.5" stroke-linejoin="round"/>${open}`;
      }).join("");
      const clockOf = (t) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      $("#live-trend").innerHTML = `<svg viewBox="0 0 ${w} ${h}" class="spark" preserveAspectRatio="none">${lines}</svg>`
        + (minutes ? `<div class="trend-axis"><span>${clockOf(Date.parse(s.trend.minutes[0]))}</span><span>peak ${fmt.format(Math.round(top))} a minute</span><span>now</span></div>` : "");
      $("#live-legend").replaceChildren(...s.trend.series.map((x, i) => el("li", { class: `s${i}` }, name(x))));
      const alerts = $("#live-alerts");
      alerts.replaceChildren(...(s.alerts.length ? s.alerts.slice().reverse().map((a) => el("li", { class: a.kind },
        `${a.kind === "spike" ? "Spike" : "Drop"}${a.track ? ` in ${name(a)}` : ""} at ${new Date(a.at).toLocaleTimeString()}: ${fmt.format(a.observed)} streams (usually ${Math.round(a.expected)})`))
        : [el("li", { class: "muted" }, "No spikes or drops.")]));
      const playing = $("#live-playing");
      playing.replaceChildren(...(s.now_playing.length ? s.now_playing.map((p) => el("li", {}, p.user ? `${p.user}: ${name(p)}` : name(p)))
        : [el("li", { class: "muted" }, "Nobody yet.")]));
      status.textContent = `Updated ${new Date(s.as_of).toLocaleTimeString()}`;
    };
    let source;
    const connect = () => {
      const windowName = $("#live-window").value;
      $("#live-streams-label").textContent = `streams, ${labels[windowName]}`;
      if (source) source.close();
      source = new EventSource(`${live.dataset.stream}?window=${encodeURIComponent(windowName)}`);
      source.addEventListener("snapshot", (e) => draw(JSON.parse(e.data)));
      source.onerror = () => { status.textContent = "Reconnecting…"; };
    };
    $("#live-window").addEventListener("change", connect);
    connect();

    // The visitor's own listening (their scrobbles only, never the crowd's): drawn by the server, then
    // polled while the page is in view. Until they have scrobbles the server's hint stays.
    const own = $("#live-own");
    const drawOwn = (m) => {
      if (!m || !m.has_scrobbles) return;
      const now = el("p", { class: m.playing_now ? "own-now" : "own-now muted" });
      if (m.playing_now) now.append(el("span", { class: "l" }, "Playing now"), " ", el("strong", {}, name(m.playing_now)));
      else now.textContent = "Nothing playing right now.";
      const today = el("p", { class: "own-today" });
      today.append(el("strong", {}, String(m.plays_today)), ` ${m.plays_today === 1 ? "play" : "plays"} today · `,
        el("strong", {}, String(m.minutes_today)), ` ${m.minutes_today === 1 ? "minute" : "minutes"}`);
      const recent = m.recent_today.length ? el("ol", { class: "own-recent" }) : el("p", { class: "muted" }, "No listens yet today.");
      for (const t of m.recent_today) { const li = el("li"); li.append(el("time", {}, t.time || ""), " ", el("span", {}, name(t))); recent.append(li); }
      $("#live-own-body").replaceChildren(now, today, recent);
    };
    const pollOwn = () => {
      if (document.visibilityState !== "visible") return;
      fetch(own.dataset.src, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null)).then(drawOwn).catch(() => {});
    };
    if (own) {
      setInterval(pollOwn, 20000);
      document.addEventListener("visibilitychange", pollOwn);
    }
  }

  const clock = (s) => { if (s == null) return ""; const t = Math.round(s); return t >= 3600 ? `${Math.floor(t / 3600)}:${String(Math.floor(t / 60) % 60).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}` : `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`; };

  // Library: uploads one file after another (streamed), one analysis job for them, and every
  // row's status pushed by the server over SSE (GET /api/v1/library/events); no polling.
  const library = $("#library");
  if (library) {
    const rows = $("#lib-rows"), status = $("#lib-status"), input = $("#lib-file"), drop = $("#lib-drop"), demo = $("#lib-demo");
    const filter = $("#lib-filter"), statusFilter = $("#lib-status-filter"), limit = Number(drop.dataset.limit);
    const entries = new Map();
    const keyOf = (e) => (e.upload ? `u${e.upload}` : `t${e.id}`);
    let sortKey = null, sortDir = 1;
    // What the status line says once nothing is waiting for analysis any more (it said "under way").
    let afterAnalysis = null;
    const tags = (e) => (e.tags || []).map((t) => t.name).join(", ");
    const value = (e, k) => (k === "tags" ? tags(e) || null : k === "title" ? e.title || e.file : e[k] ?? null);
    const labels = { artist: "Artist", title: "Title", album: "Album", duration_s: "Length", bpm: "BPM", camelot: "Key", loudness_lufs: "LUFS", energy: "Energy", plays: "Plays", tags: "Tags", status: "Status" };
    const row = (e) => {
      const tr = el("tr", { "data-key": keyOf(e), "data-status": e.status });
      const cell = (key, text, cls) => { const td = el("td", { "data-label": labels[key] || "", ...(cls ? { class: cls } : {}) }, text ?? ""); tr.append(td); return td; };
      cell("artist", e.artist || "—");
      cell("title", e.title || e.file, "name");
      cell("album", e.album || "").title = e.album || "";
      cell("duration_s", clock(e.duration_s), "num");
      cell("bpm", e.bpm != null ? e.bpm.toFixed(1) : "", "num");
      cell("camelot", e.key ? `${e.key} · ${e.camelot}` : "");
      cell("loudness_lufs", e.loudness_lufs != null ? e.loudness_lufs.toFixed(1) : "", "num");
      cell("energy", e.energy != null ? e.energy.toFixed(2) : "", "num");
      if (library.dataset.history === "true") {
        const plays = cell("plays", e.plays != null ? String(e.plays) : "", "num");
        if (e.last_played) plays.append(el("span", { class: "sub" }, `last ${e.last_played}`));
      }
      cell("tags", tags(e));
      const st = cell("status", "", "state");
      st.append(el("span", { class: `badge ${e.status}` }, e.status));
      if (e.error) st.append(el("span", { class: "sub reason" }, e.error));
      const act = cell("", "", "act");
      if (e.status === "done" && e.id != null) act.append(el("a", { href: `/playlists?seed=${e.id}`, class: "more" }, "More like this"));
      return tr;
    };
    const render = () => {
      const q = filter.value.trim().toLowerCase(), only = statusFilter.value;
      let list = [...entries.values()].filter((e) => {
        if (only === "done" && e.status !== "done") return false;
        if (only === "failed" && e.status !== "failed") return false;
        if (only === "pending" && ["done", "failed"].includes(e.status)) return false;
        return !q || [e.artist, e.title, e.file, e.album, e.key, e.camelot, tags(e), e.status].some((x) => x && String(x).toLowerCase().includes(q));
      });
      if (sortKey) list.sort((a, b) => {
        const x = value(a, sortKey), y = value(b, sortKey);
        if (x == null || y == null) return x == null && y == null ? 0 : x == null ? 1 : -1;
        return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * sortDir;
      });
      rows.replaceChildren(...list.map(row));
      const done = [...entries.values()].filter((e) => e.status === "done").length;
      $("#lib-count").textContent = entries.size ? `${done} of ${entries.size} analysed` : "";
      $("#lib-empty").hidden = entries.size > 0;
      if (afterAnalysis && entries.size && [...entries.values()].every((e) => ["done", "failed"].includes(e.status))) { say(afterAnalysis); afterAnalysis = null; }
    };
    library.querySelectorAll("button.sort").forEach((b) => b.addEventListener("click", () => {
      sortDir = sortKey === b.dataset.key ? -sortDir : 1; sortKey = b.dataset.key;
      library.querySelectorAll("th").forEach((th) => th.setAttribute("aria-sort", "none"));
      b.closest("th").setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      $("#lib-sorted").textContent = `Sorted by ${b.textContent.toLowerCase()}, ${sortDir > 0 ? "ascending" : "descending"}.`;
      render();
    }));
    filter.addEventListener("input", render);
    statusFilter.addEventListener("change", render);
    const source = new EventSource(library.dataset.stream);
    source.addEventListener("entries", (ev) => { entries.clear(); for (const e of JSON.parse(ev.data)) entries.set(keyOf(e), e); render(); });
    source.addEventListener("entry", (ev) => { const e = JSON.parse(ev.data); entries.set(keyOf(e), e); render(); });

    const say = (text, problem) => { status.textContent = text; status.classList.toggle("error", !!problem); };
    const busy = (on) => { demo.disabled = on; input.disabled = on; };
    const upload = (file, index, count) => new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/api/v1/library/uploads?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) say(`Uploading ${file.name} (${index + 1} of ${count}): ${Math.round((e.loaded / e.total) * 100)}%`); };
      xhr.onload = () => { let d = null; try { d = JSON.parse(xhr.responseText); } catch (_) {} [200, 201].includes(xhr.status) ? resolve(d) : reject(new Error(d?.error?.message || `The upload failed (${xhr.status}).`)); };
      xhr.onerror = () => reject(new Error("The upload was interrupted."));
      xhr.send(file);
    });
    const start = async (files) => {
      if (!files.length) return;
      busy(true);
      const ids = [], problems = [];
      for (let i = 0; i < files.length; i++) {
        const f = files[i];
        if (f.size > limit) { problems.push(`${f.name}: larger than the limit of ${Math.floor(limit / 1048576)} MB`); continue; }
        try {
          const d = await upload(f, i, files.length);
          if (d.duplicate) problems.push(`${f.name}: already in your library`); else ids.push(d.id);
        } catch (err) { problems.push(err.message.startsWith(f.name) ? err.message : `${f.name}: ${err.message}`); }
      }
      if (ids.length) { try { await api("POST", "/api/v1/library/analyses", { uploads: ids }); } catch (err) { problems.push(err.message); } }
      say([ids.length ? `${ids.length} file${ids.length > 1 ? "s" : ""} uploaded and queued for analysis.` : "", ...problems].filter(Boolean).join(" · "), problems.length > 0);
      if (ids.length && !problems.length) { afterAnalysis = `${ids.length} file${ids.length > 1 ? "s" : ""} uploaded; the analysis is finished.`; render(); }
      busy(false);
      input.value = "";
    };
    input.addEventListener("change", () => start([...input.files]));
    drop.addEventListener("click", (e) => { if (e.target === drop) input.click(); });
    ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
    ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
    drop.addEventListener("drop", (e) => start([...e.dataTransfer.files]));
    demo.addEventListener("click", async () => {
      busy(true); say("Making the demo songs…");
      try { await api("POST", "/api/v1/library/demo"); say("Eight demo songs added; their analysis is under way."); afterAnalysis = "Eight demo songs added and analysed: try “More like this” on any of them."; render(); }
      catch (err) { say(err.message, true); }
      busy(false);
    });
  }

  // Playlists: seeds picked by searching the library, the form becomes POST /api/v1/playlists,
  // each transition shows its score and parts; the player crossfades in the browser (Web Audio)
  // on the server's mix plan; playlists are saved, renamed, reopened and deleted.
  const plForm = $("#pl-form");
  if (plForm) {
    const status = $("#pl-status"), result = $("#pl-result");
    // A problem shows beside the Build button and takes the focus, so it is seen and read out where the
    // person looks; the previous playlist stays below.
    const say = (text, problem) => { status.textContent = text; status.classList.toggle("error", !!problem); if (problem && status.closest("#pl-form")) status.focus({ preventScroll: false }); };
    // From "More like this": build at once and show the result.
    let scrollToResult = plForm.dataset.autostart === "true";
    // By name through querySelector: form.elements.length is the number of controls, not the field.
    const field = (name) => plForm.querySelector(`[name="${name}"]`);
    const modeOf = () => plForm.querySelector("input[name=mode]:checked").value;

    // A search box with a suggestion list (ARIA combobox): arrows move, Enter picks, Escape
    // closes; chosen tracks show as chips (Backspace in the empty box removes the last one).
    const pickers = {};
    plForm.querySelectorAll(".picker").forEach((box) => {
      const name = box.dataset.name, multiple = box.dataset.multiple === "true";
      const input = $("input", box), list = $(".suggest", box), chips = $(".chips", box);
      let chosen = JSON.parse(box.dataset.chosen || "[]"), hits = [], active = -1, timer = null, asked = 0;
      const drawChips = () => {
        chips.replaceChildren(...chosen.map((c) => {
          const li = el("li", { class: "chip", "data-id": String(c.id) });
          const x = el("button", { type: "button", class: "remove", "aria-label": `Remove ${c.label}` }, "×");
          x.addEventListener("click", () => { chosen = chosen.filter((o) => o.id !== c.id); drawChips(); input.focus(); });
          li.append(el("span", {}, c.label), x);
          return li;
        }));
        chips.hidden = chosen.length === 0;
      };
      const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; };
      const mark = (i) => {
        active = i;
        [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
        if (i >= 0 && list.children[i]) { input.setAttribute("aria-activedescendant", list.children[i].id); list.children[i].scrollIntoView({ block: "nearest" }); }
      };
      const pick = (h) => {
        const c = { id: h.id, label: `${h.artist} – ${h.title}` };
        chosen = multiple ? [...chosen.filter((o) => o.id !== c.id), c] : [c];
        drawChips(); input.value = ""; close();
      };
      const draw = () => {
        list.replaceChildren(...(hits.length ? hits.map((h, i) => {
          const li = el("li", { role: "option", id: `pl-${name}-o${i}`, "aria-selected": "false", "data-id": String(h.id) });
          li.append(el("span", { class: "name" }, h.title), el("span", { class: "sub" }, [h.artist, h.bpm != null ? `${Math.round(h.bpm)} BPM` : null, h.camelot].filter(Boolean).join(" · ")));
          li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(h); });
          return li;
        }) : [el("li", { class: "none", role: "option", "aria-disabled": "true" }, "No analysed track matches.")]));
        list.hidden = false; input.setAttribute("aria-expanded", "true"); mark(hits.length ? 0 : -1);
      };
      const lookup = async () => {
        const n = ++asked, q = input.value.trim();
        try {
          const found = await api("GET", `/api/v1/library/search?limit=8&q=${encodeURIComponent(q)}`);
          // Only the answer to the newest question is shown; the list says which one it answers.
          if (n === asked && document.activeElement === input) { hits = found; list.dataset.q = q; draw(); }
        } catch (err) { say(err.message, true); }
      };
      input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(lookup, 120); });
      input.addEventListener("focus", lookup);
      input.addEventListener("blur", () => setTimeout(close, 100));
      input.addEventListener("keydown", (e) => {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          if (list.hidden) { lookup(); return; }
          if (hits.length) mark((active + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length);
        } else if (e.key === "Enter") {
          if (!list.hidden && active >= 0 && hits[active]) { e.preventDefault(); pick(hits[active]); }
        } else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } }
        else if (e.key === "Backspace" && input.value === "" && chosen.length && multiple) { chosen = chosen.slice(0, -1); drawChips(); }
      });
      drawChips();
      pickers[name] = { ids: () => chosen.map((c) => c.id), set: (list) => { chosen = list; drawChips(); } };
    });

    // A radio's seeds are chosen tracks or the person's most played of a period.
    const fromHistory = () => modeOf() === "radio" && plForm.querySelector("input[name=seed_source]:checked")?.value === "history";
    const sync = () => {
      const mode = modeOf();
      plForm.querySelectorAll(".for-radio,.for-path,.for-order").forEach((n) => { n.hidden = !n.classList.contains(`for-${mode}`); });
      $("#pl-tracks-label").textContent = mode === "order" ? "Tracks to order (two or more)" : "Seed tracks (one or more)";
      const history = fromHistory();
      plForm.querySelector(".picker[data-name=tracks]").hidden = !(mode === "order" || (mode === "radio" && !history));
      $("#pl-period").hidden = !history;
    };
    plForm.querySelectorAll("input[name=mode],input[name=seed_source]").forEach((r) => r.addEventListener("change", sync));
    sync();
    const words = (name) => field(name).value.split(",").map((x) => x.trim()).filter(Boolean);
    const num = (name) => { const v = field(name).value; return v === "" ? undefined : Number(v); };
    const minutes = (name) => { const v = num(name); return v === undefined ? undefined : v * 60; };
    const parts = [["tempo", "Tempo"], ["key", "Key"], ["loudness", "Loudness"], ["energy", "Energy"], ["embedding", "Sound"]];
    const why = (a, b, part) => ({
      tempo: `${Math.round(a.outro_bpm)} → ${Math.round(b.bpm)} BPM`,
      key: `${a.outro_camelot || "?"} → ${b.camelot || "?"}`,
      loudness: ((d) => Math.abs(d) < 0.05 ? "as loud" : `${Math.abs(d).toFixed(1)} dB ${d > 0 ? "louder" : "quieter"}`)(b.loudness_lufs - a.loudness_lufs),
      energy: `${a.energy.toFixed(2)} → ${b.energy.toFixed(2)}`,
      embedding: "how alike they sound",
    })[part];

    // The player: one <audio> element per sounding track, each through its own GainNode. The
    // next track starts where the plan puts it (its `at_s`, on the current track's outro) and
    // the two gains cross linearly over the fade, as the ffmpeg mix does.
    const box = $("#pl-player"), playButton = $("#pl-play");
    const player = (() => {
      let ctx = null, tracks = [], total = 0, index = -1, playing = false, timer = null;
      const voices = new Map();
      box.maxVoices = 0;
      const voice = (i, offset = 0) => {
        let v = voices.get(i);
        if (v) return v;
        const a = new Audio(), from = tracks[i].mix.start_s + offset;
        a.preload = "auto"; a.src = tracks[i].audio;
        const gain = ctx.createGain();
        ctx.createMediaElementSource(a).connect(gain).connect(limiter());
        v = { i, a, gain, started: false };
        a.currentTime = from;
        a.addEventListener("loadedmetadata", () => { if (a.currentTime < from - 0.25) a.currentTime = from; }, { once: true });
        a.addEventListener("error", () => say(`Cannot play ${tracks[i].title}: the browser could not load its audio.`, true));
        voices.set(i, v);
        return v;
      };
      // Each track at its gain_db (the playlist's common loudness), all through one limiter at
      // -2 dBFS, as in the ffmpeg mix.
      const level = (i) => Math.pow(10, (tracks[i].mix.gain_db || 0) / 20);
      let peak = null;
      const limiter = () => {
        if (peak && peak.context === ctx) return peak;
        peak = ctx.createDynamicsCompressor();
        peak.threshold.value = -2; peak.knee.value = 0; peak.ratio.value = 20; peak.attack.value = 0.003; peak.release.value = 0.08;
        peak.connect(ctx.destination);
        return peak;
      };
      const drop = (v) => { v.a.pause(); v.a.removeAttribute("src"); v.a.load(); v.gain.disconnect(); voices.delete(v.i); };
      const start = (i, fadeIn, delay = 0, offset = 0) => {
        const v = voice(i, offset), when = ctx.currentTime + delay;
        v.started = true;
        v.gain.gain.cancelScheduledValues(ctx.currentTime);
        v.gain.gain.setValueAtTime(fadeIn > 0 ? 0 : level(i), ctx.currentTime);
        if (fadeIn > 0) { v.gain.gain.setValueAtTime(0, when); v.gain.gain.linearRampToValueAtTime(level(i), when + fadeIn); }
        const go = () => { if (!playing || !voices.has(i)) return; if (Math.abs(v.a.currentTime - tracks[i].mix.start_s) > 0.25 && v.a.currentTime < tracks[i].mix.start_s) v.a.currentTime = tracks[i].mix.start_s; v.a.play().catch((err) => say(err.message, true)); };
        delay > 0.02 ? setTimeout(go, delay * 1000) : go();
      };
      const fadeOut = (v, seconds, delay) => {
        const when = ctx.currentTime + delay, g = v.gain.gain;
        g.cancelScheduledValues(ctx.currentTime);
        g.setValueAtTime(g.value, ctx.currentTime); g.setValueAtTime(level(v.i), when); g.linearRampToValueAtTime(0, when + seconds);
      };
      const highlight = () => {
        document.querySelectorAll("#pl-list > li").forEach((li, j) => { li.classList.toggle("playing", j === index); if (j === index) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current"); });
        const t = tracks[index];
        $("#pl-now").textContent = t ? `${index + 1}. ${t.title} — ${t.artist}` : "Press play: each track fades into the next on its outro.";
      };
      const setPlaying = (on) => {
        playing = on;
        box.classList.toggle("is-playing", on);
        playButton.setAttribute("aria-label", on ? "Pause" : "Play");
        box.dataset.state = on ? "playing" : index >= 0 ? "paused" : "stopped";
      };
      const tick = () => {
        if (!playing || index < 0) return;
        const cur = voices.get(index), t = tracks[index];
        if (!cur) return;
        const pos = cur.a.currentTime;
        const outro = t.mix.end_s - t.mix.fade_out_s;
        // Load the next file ahead; start it on this one's outro.
        if (index + 1 < tracks.length && pos > outro - 12) voice(index + 1);
        if (index + 1 < tracks.length && pos >= outro - 0.25) {
          const next = tracks[index + 1], delay = Math.max(0, outro - pos);
          fadeOut(cur, t.mix.fade_out_s, delay);
          start(index + 1, next.mix.fade_in_s, delay);
          index += 1;
          setTimeout(highlight, delay * 1000);
        }
        let sounding = 0;
        for (const v of [...voices.values()]) {
          if (!v.started) continue;
          if (v.a.currentTime >= tracks[v.i].mix.end_s || v.a.ended) { drop(v); continue; }
          if (!v.a.paused) sounding += 1;
        }
        box.maxVoices = Math.max(box.maxVoices, sounding);
        const now = voices.get(index);
        const at = now && now.started ? tracks[index].mix.at_s + Math.max(0, now.a.currentTime - tracks[index].mix.start_s) : tracks[index].mix.at_s;
        $("#pl-bar").style.width = `${Math.min(100, (100 * at) / total).toFixed(2)}%`;
        $("#pl-progress").setAttribute("aria-valuenow", String(Math.round((100 * at) / total)));
        $("#pl-progress").setAttribute("aria-valuetext", clock(at));
        box.position = at;
        $("#pl-elapsed").textContent = clock(at);
        if (!voices.size) { index = -1; stop(); highlight(); $("#pl-now").textContent = "Finished: press play to start again."; }
      };
      const stop = () => { for (const v of [...voices.values()]) drop(v); setPlaying(false); clearInterval(timer); timer = null; };
      const jump = (i, offset = 0) => {
        if (!tracks.length) return;
        for (const v of [...voices.values()]) drop(v);
        if (!ctx) { ctx = new AudioContext(); box.audioContext = ctx; }
        ctx.resume();
        index = Math.max(0, Math.min(tracks.length - 1, i));
        setPlaying(true);
        start(index, 0.05, 0, offset);
        highlight();
        if (!timer) timer = setInterval(tick, 100);
      };
      box.currentAudio = () => voices.get(index)?.a || null;
      box.mixPlan = () => tracks.map((t) => t.mix);
      box.mixTotal = () => total;
      box.currentLevel = () => { const v = voices.get(index); return v ? [v.gain.gain.value, level(index), tracks[index].mix.gain_db] : null; };
      return {
        load(p) { stop(); box.position = 0; tracks = p.tracks; total = Math.max(0.001, p.mix_s); index = -1; highlight(); box.dataset.state = "stopped"; $("#pl-bar").style.width = "0%"; $("#pl-elapsed").textContent = "0:00"; $("#pl-total").textContent = clock(p.mix_s); },
        toggle() {
          if (playing) { for (const v of voices.values()) v.a.pause(); ctx.suspend(); setPlaying(false); return; }
          if (index < 0 || !voices.size) { jump(Math.max(0, index)); return; }
          ctx.resume(); for (const v of voices.values()) if (v.started) v.a.play().catch(() => {}); setPlaying(true);
          if (!timer) timer = setInterval(tick, 100);
        },
        next() { if (index + 1 < tracks.length) jump(index + 1); },
        previous() {
          const cur = voices.get(index);
          // As CD players do: back to the start of this track unless it just began.
          jump(cur && cur.a.currentTime - tracks[index].mix.start_s > 3 ? index : index - 1);
        },
        jump,
        // To a time in the mix: the track playing then, from the matching point in its file.
        seek(seconds) {
          if (!tracks.length) return;
          const t = Math.max(0, Math.min(total - 0.5, seconds));
          let i = 0;
          while (i + 1 < tracks.length && tracks[i + 1].mix.at_s <= t) i += 1;
          const m = tracks[i].mix;
          jump(i, Math.max(0, Math.min(t - m.at_s, m.end_s - m.start_s - 0.5)));
        },
        get position() { return box.position || 0; },
        get total() { return total; },
      };
    })();
    const seekBar = $("#pl-progress");
    seekBar.addEventListener("click", (e) => {
      const r = seekBar.getBoundingClientRect();
      if (r.width > 0) player.seek(((e.clientX - r.left) / r.width) * player.total);
    });
    seekBar.addEventListener("keydown", (e) => {
      const step = { ArrowRight: 10, ArrowUp: 10, ArrowLeft: -10, ArrowDown: -10, PageUp: 60, PageDown: -60 }[e.key];
      if (e.key === "Home") { e.preventDefault(); player.seek(0); }
      else if (step) { e.preventDefault(); player.seek(player.position + step); }
    });
    playButton.addEventListener("click", () => player.toggle());
    $("#pl-next").addEventListener("click", () => player.next());
    $("#pl-prev").addEventListener("click", () => player.previous());

    let current = null;
    const show = (p) => {
      current = p;
      result.hidden = false;
      $("#pl-title").textContent = p.saved ? p.saved.name : "Your playlist";
      $("#pl-summary").textContent = `${p.tracks.length} tracks · ${clock(p.duration_s)} of music (less when played with crossfades) · smoothness ${p.total_cost.toFixed(2)}, lower is smoother`;
      $("#pl-downloads").replaceChildren(...["m3u8", "xspf", "jspf"].map((f) => el("a", { class: "button", href: p.exports[f], download: "" }, `Download ${f.toUpperCase()}`)));
      $("#pl-name").value = p.saved ? p.saved.name : p.title;
      const seedLine = $("#pl-seeds");
      seedLine.hidden = !(p.seeds && p.seed_period);
      if (!seedLine.hidden) {
        const plays = (n) => `${n} play${n === 1 ? "" : "s"}`;
        seedLine.textContent = `Seeds from your ${p.seed_period === "all" ? "whole history" : p.seed_period}: ` + p.seeds.map((x) => `${x.artist} – ${x.title} (${plays(x.plays)})`).join(", ");
      }
      $("#pl-save-button").textContent = p.saved ? "Save as new" : "Save playlist";
      $("#pl-list").replaceChildren(...p.tracks.map((t, i) => {
        const li = el("li", { class: "step" });
        const head = el("div", { class: "track" });
        const n = el("button", { type: "button", class: "n", "aria-label": `Play from ${t.title}`, title: "Play from here" }, String(i + 1));
        n.addEventListener("click", () => player.jump(i));
        head.append(n);
        const name = el("div", { class: "who" });
        name.append(el("span", { class: "name" }, t.title), el("span", { class: "sub" }, [t.artist, t.album].filter(Boolean).join(" · ")));
        head.append(name, el("span", { class: "facts" }, `${Math.round(t.bpm)} BPM · ${t.camelot || "?"} · energy ${t.energy.toFixed(2)} · ${clock(t.duration_s)}`));
        li.append(head);
        if (t.transition) {
          const c = t.transition, next = p.tracks[i + 1];
          const box = el("div", { class: "transition" });
          const grade = c.grade;
          const badge = el("div", { class: "grade" });
          badge.append(el("span", { class: `score ${grade}`, title: "Transition cost: lower is smoother" }, `${c.total.toFixed(2)} ${grade}`),
            el("span", { class: "fade" }, `${next.mix.fade_in_s.toFixed(1)} s crossfade`));
          box.append(badge);
          const ul = el("ul", { class: "parts", "aria-label": "Transition parts" });
          for (const [k, label] of parts) {
            const item = el("li");
            const bar = el("span", { class: "bar", "aria-hidden": "true" }); const fill = el("span", { class: c[k] < 0.25 ? "smooth" : c[k] < 0.6 ? "fair" : "rough" }); fill.style.width = `${Math.round(Math.min(1, c[k]) * 100)}%`; bar.append(fill);
            item.append(el("span", { class: "k" }, label), bar, el("span", { class: "v" }, `${c[k].toFixed(2)} · ${why(t, next, k)}`));
            ul.append(item);
          }
          box.append(ul);
          li.append(box);
        }
        return li;
      }));
      player.load(p);
    };

    // Saved playlists: the list, opening one, renaming in place, deleting.
    const savedList = $("#pl-saved");
    // The data folder's players (`segue players add`): only a --single-user install lists any.
    let players = null;
    const sendTo = async (s, player) => {
      try {
        say(`Sending “${s.name}” to ${player}…`);
        const job = await follow(await api("POST", `/api/v1/playlists/saved/${s.id}/push`, { player }), () => {});
        if (job.state === "succeeded" && job.push) say(job.push.summary, job.push.missing.length > 0);
        else say(job.error || `Sending to ${player} did not finish (${job.state}).`, true);
      } catch (err) { say(err.message, true); }
      // The list shows when each was last sent and what was missing.
      players = null;
      loadSaved().catch(() => {});
    };
    // HH:MM today, else with the day.
    const when = (ms) => {
      const d = new Date(ms), t = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
      return d.toDateString() === new Date().toDateString() ? t : `${d.toLocaleDateString([], { day: "numeric", month: "short" })} ${t}`;
    };
    const loadSaved = async () => {
      if (players === null) players = await api("GET", "/api/v1/players").catch(() => []);
      const all = await api("GET", "/api/v1/playlists/saved");
      $("#pl-saved-empty").hidden = all.length > 0;
      savedList.replaceChildren(...all.map((s) => {
        const li = el("li", { "data-id": String(s.id) });
        const open = el("button", { type: "button", class: "link open" }, s.name);
        // Pushes from before the playlist kept its own record are still in the players' record.
        const sent = s.last_pushed_ms ? [] : players.flatMap((p) => p.pushes.filter((x) => x.playlist === s.name).map((x) =>
          ` · sent to ${p.name} ${new Date(x.at_ms).toLocaleString()}${x.missing.length ? ` (${x.missing.length} not there: ${x.missing.join("; ")})` : ""}`));
        const meta = el("span", { class: "sub" }, `${s.tracks.length} tracks · ${s.mode} · saved ${new Date(s.updated_ms).toLocaleString()}${sent.join("")}`);
        const who = el("div", { class: "who" }); who.append(open, meta);
        // The last push: when, where, and the names the player did not have (in a details element).
        if (s.last_pushed_ms) {
          const n = s.last_missing.length, line = `last sent ${when(s.last_pushed_ms)}${s.target ? ` to ${s.target}` : ""}, ${n} missing`;
          if (n) {
            const d = el("details", { class: "pushed" });
            const ul = el("ul", { class: "missing", "aria-label": `Tracks ${s.target || "the player"} does not have` });
            ul.append(...s.last_missing.map((m) => el("li", {}, m)));
            d.append(el("summary", {}, line), ul);
            who.append(d);
          } else who.append(el("span", { class: "sub pushed" }, line));
        }
        if (s.last_error) who.append(el("span", { class: "sub push-error", role: "note" }, `${s.last_error_ms ? `${when(s.last_error_ms)}: ` : ""}${s.last_error}`));
        const rename = el("button", { type: "button", class: "button small rename" }, "Rename");
        const del = el("button", { type: "button", class: "button small danger delete", "aria-label": `Delete ${s.name}` }, "Delete");
        li.append(who, rename, del);
        // Kept current: rebuilt from how it was made and pushed in place every day, to the player it went to.
        if (s.target && players.length) {
          const label = el("label", { class: "refresh" });
          const box = el("input", { type: "checkbox", "aria-describedby": `pl-refresh-${s.id}` });
          box.checked = s.refresh_daily;
          const why = el("span", { class: "sr-only", id: `pl-refresh-${s.id}` }, s.refreshable ? `Rebuild ${s.name} every day and send it to ${s.target}` : "Only a radio or a path saved with how it was made can be rebuilt");
          if (!s.refreshable) { box.disabled = true; label.title = why.textContent; }
          label.append(box, document.createTextNode(" Refresh daily"), why);
          box.addEventListener("change", async () => {
            try {
              await api("PATCH", `/api/v1/playlists/saved/${s.id}`, { refresh_daily: box.checked });
              say(box.checked ? `“${s.name}” is rebuilt and sent to ${s.target} every day.` : `“${s.name}” is no longer rebuilt daily.`);
            } catch (err) { box.checked = !box.checked; say(err.message, true); }
          });
          li.insertBefore(label, rename);
        }
        if (players.length === 1) {
          const send = el("button", { type: "button", class: "button small send", "aria-label": `Send ${s.name} to ${players[0].name}` }, `Send to ${players[0].name}`);
          send.addEventListener("click", () => sendTo(s, players[0].name));
          li.insertBefore(send, rename);
        } else if (players.length > 1) {
          const send = el("button", { type: "button", class: "button small send", "aria-label": `Send ${s.name} to a player` }, "Send to …");
          send.addEventListener("click", () => {
            const form = el("form", { class: "rename-row" });
            const select = el("select", { "aria-label": `Player to send ${s.name} to` });
            select.append(...players.map((p) => el("option", { value: p.name }, p.name)));
            const ok = el("button", { type: "submit", class: "button small primary" }, "Send");
            const cancel = el("button", { type: "button", class: "button small" }, "Cancel");
            form.append(select, ok, cancel);
            li.replaceChildren(form);
            select.focus();
            cancel.addEventListener("click", () => loadSaved());
            form.addEventListener("submit", (e) => { e.preventDefault(); sendTo(s, select.value); });
          });
          li.insertBefore(send, rename);
        }
        open.addEventListener("click", async () => {
          try {
            const p = await api("GET", `/api/v1/playlists/saved/${s.id}?crossfade_s=${encodeURIComponent(num("crossfade") ?? 6)}`);
            show(p);
            say(p.missing.length ? `${p.missing.length} of its tracks are no longer in your library and were left out.` : "", p.missing.length > 0);
            result.scrollIntoView({ block: "start" });
          } catch (err) { say(err.message, true); }
        });
        rename.addEventListener("click", () => {
          const form = el("form", { class: "rename-row" });
          const input = el("input", { type: "text", value: s.name, maxlength: "200", "aria-label": `New name for ${s.name}`, required: "" });
          const ok = el("button", { type: "submit", class: "button small primary" }, "Save");
          const cancel = el("button", { type: "button", class: "button small" }, "Cancel");
          form.append(input, ok, cancel);
          li.replaceChildren(form);
          input.focus(); input.select();
          cancel.addEventListener("click", () => loadSaved());
          form.addEventListener("submit", async (e) => {
            e.preventDefault();
            try {
              await api("PATCH", `/api/v1/playlists/saved/${s.id}`, { name: input.value });
              if (current?.saved?.id === s.id) { current.saved.name = input.value.trim(); $("#pl-title").textContent = current.saved.name; $("#pl-name").value = current.saved.name; }
              say(`Renamed to “${input.value.trim()}”.`);
              loadSaved();
            } catch (err) { say(err.message, true); }
          });
        });
        del.addEventListener("click", async () => {
          try { await api("DELETE", `/api/v1/playlists/saved/${s.id}`); say(`Deleted “${s.name}”.`); loadSaved(); } catch (err) { say(err.message, true); }
        });
        return li;
      }));
    };
    loadSaved().catch((err) => say(err.message, true));
    $("#pl-save").addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!current) return;
      try {
        // With the request that built it: a radio or a path can then be rebuilt every day.
        const s = await api("POST", "/api/v1/playlists/saved", { name: $("#pl-name").value, mode: current.mode, tracks: current.tracks.map((t) => t.id), recipe: current.request });
        current.saved = s;
        $("#pl-title").textContent = s.name; $("#pl-save-button").textContent = "Save as new";
        say(`Saved “${s.name}”.`);
        await loadSaved();
      } catch (err) { say(err.message, true); }
    });

    plForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const mode = modeOf();
      const picked = pickers.tracks.ids();
      const body = {
        mode, arc: field("arc").value, artist_spacing: num("artist_spacing") ?? 0, max_per_artist: num("max_per_artist"),
        max_per_album: num("max_per_album"), min_bpm: num("min_bpm"), max_bpm: num("max_bpm"), max_track_seconds: minutes("max_track_minutes"),
        duration_seconds: minutes("duration_minutes"), duration_tolerance_seconds: minutes("tolerance_minutes"),
        exclude_artists: words("exclude_artists"), exclude_albums: words("exclude_albums"), exclude_tags: words("exclude_tags"),
        crossfade_s: num("crossfade") ?? 6,
      };
      const history = fromHistory();
      if (mode === "radio") {
        if (history) body.seed_from_history = field("history_period").value; else body.seeds = picked;
        if (field("prefer_unplayed").checked) body.prefer = "unplayed";
        if (body.duration_seconds === undefined) body.length = num("length");
      }
      if (mode === "path") {
        const from = pickers.from.ids()[0], to = pickers.to.ids()[0];
        if (from == null || to == null) { say("Choose the track to start from and the one to end on.", true); return; }
        body.from = from; body.to = to; body.length = num("length");
      }
      if (mode === "order") body.tracks = picked;
      if ((mode === "radio" && !history && !picked.length) || (mode === "order" && picked.length < 2)) {
        say(mode === "radio" ? "Choose at least one seed track: type an artist or a title." : "Choose at least two tracks to order.", true);
        return;
      }
      say("Building…");
      try { const built = await api("POST", "/api/v1/playlists", body); built.request = body; show(built); say(""); if (scrollToResult) { scrollToResult = false; result.scrollIntoView({ block: "start" }); } }
      catch (err) { say(err.message, true); }
    });
    if (scrollToResult) plForm.requestSubmit();
  }
})();