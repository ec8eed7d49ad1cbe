extension Assets {
    static let javascript = #"""
    "use strict";
    (() => {
      const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
      const $ = (s, r = document) => r.querySelector(s);
      const el = (tag, attrs = {}, text) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text != null) e.textContent = text; return e; };

      // On a narrow screen the navigation scrolls sideways: show the current page's tab.
      const current = $("nav [aria-current=page]");
      if (current) { const ul = current.closest("ul"); ul.scrollLeft = current.offsetLeft - (ul.clientWidth - current.offsetWidth) / 2; }

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

      // Create: render jobs with live progress, preview, downloads and sharing.
      const form = $("#create-form");
      if (form) {
        const jobs = $("#jobs");
        const render = async (output) => {
          const f = new FormData(form);
          const body = { output, kind: f.get("kind"), metric: f.get("metric"), top: Number(f.get("top")), size: f.get("size"), theme: f.get("theme") };
          if (f.get("from")) body.from = f.get("from");
          if (f.get("to")) body.to = f.get("to");
          if (output === "animation") { body.container = f.get("container"); body.period = f.get("period"); body.duration = Number(f.get("duration")); }
          const card = el("article", { class: "job", "aria-busy": "true" });
          const title = el("h3", {}, output === "image" ? `Top ${body.top} ${body.kind} · image` : `Top ${body.top} ${body.kind} · ${body.container.toUpperCase()} race`);
          const meter = el("div", { class: "meter", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" });
          const fill = el("span"); meter.append(fill);
          const status = el("p", { class: "status", role: "status" }, "Queued…");
          const cancel = el("button", { class: "button", type: "button" }, "Cancel");
          card.append(title, meter, status, cancel);
          jobs.prepend(card);
          try {
            const job = await api("POST", "/api/v1/renders", body);
            cancel.addEventListener("click", () => api("DELETE", `/api/v1/jobs/${job.id}`).catch(() => {}));
            const done = await follow(job, (j) => {
              const pct = Math.round(j.progress * 100);
              fill.style.width = `${pct}%`; meter.setAttribute("aria-valuenow", String(pct));
              status.textContent = j.state === "queued" ? "Waiting for a free worker…" : `${pct}% · ${j.detail || ""}`;
            });
            cancel.remove(); card.setAttribute("aria-busy", "false");
            if (done.state !== "succeeded") { status.textContent = done.state === "cancelled" ? "Cancelled." : `Failed: ${done.error || "unknown error"}`; return; }
            meter.remove();
            status.textContent = done.frames > 1 ? `${done.frames} frames, ${done.width}×${done.height}` : `${done.width}×${done.height}`;
            const main = done.files.find((x) => x.format === "png") || done.files[0];
            let preview;
            if (main.mediaType.startsWith("video/")) { preview = el("video", { class: "preview", controls: "", playsinline: "", loop: "", muted: "", src: main.url }); preview.muted = true; preview.autoplay = true; }
            else preview = el("img", { class: "preview", src: main.url, alt: title.textContent });
            const links = el("div", { class: "downloads" });
            for (const file of done.files) links.append(el("a", { class: "button", href: `${file.url}?download=1`, download: "" }, `Download ${file.format.toUpperCase()} (${(file.bytes / 1048576).toFixed(1)} MB)`));
            if (navigator.canShare) {
              const share = el("button", { class: "button primary", type: "button" }, "Share");
              share.addEventListener("click", async () => {
                try { const blob = await (await fetch(main.url)).blob(); const fileObj = new File([blob], `segue.${main.format}`, { type: main.mediaType });
                  if (navigator.canShare({ files: [fileObj] })) await navigator.share({ files: [fileObj], title: "My Segue chart" }); } catch (_) {}
              });
              links.prepend(share);
            }
            card.append(preview, links);
          } catch (err) { status.textContent = err.message; cancel.remove(); card.setAttribute("aria-busy", "false"); }
        };
        $("#make-image").addEventListener("click", () => render("image"));
        $("#make-video").addEventListener("click", () => render("animation"));
      }

      // Live: snapshots pushed by the server (GET /api/v1/live/stream); the page only draws them.
      const live = $("#live");
      if (live) {
        const fmt = new Intl.NumberFormat();
        const fmt1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
        const status = $("#live-status");
        const labels = { "1m": "last minute", "5m": "last 5 min", "10m": "last 10 min", "1h": "last hour", "24h": "last 24 hours" };
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
          const rows = s.leaderboard.map((t) => {
            const key = `${t.artist}\u001f${t.track}`;
            let li = [...board.children].find((c) => c.dataset.key === key);
            if (!li) {
              li = el("li"); li.dataset.key = key;
              li.append(el("span", { class: "name" }, name(t)), el("span", { class: "count" }), el("span", { class: "bar", "aria-hidden": "true" }));
            }
            li.querySelector(".count").textContent = fmt.format(t.streams);
            li.querySelector(".bar").style.width = `${(100 * t.streams / peak).toFixed(1)}%`;
            return li;
          });
          board.replaceChildren(...rows);
          const minutes = s.trend.minutes.length, w = 300, h = 110;
          const top = Math.max(1, ...s.trend.series.flatMap((x) => x.counts));
          const stepX = w / Math.max(1, minutes - 1);
          const lines = s.trend.series.map((x, i) => {
            const pts = x.counts.map((c, j) => `${(j * stepX).toFixed(1)},${(h - (c / top) * (h - 8) - 4).toFixed(1)}`).join(" ");
            return `<polyline class="s${i}" points="${pts}" fill="none" stroke-width="2.5" stroke-linejoin="round"/>`;
          }).join("");
          $("#live-trend").innerHTML = `<svg viewBox="0 0 ${w} ${h}" class="spark" preserveAspectRatio="none">${lines}</svg>`;
          $("#live-legend").replaceChildren(...s.trend.series.map((x, i) => el("li", { class: `s${i}` }, name(x))));
          const alerts = $("#live-alerts");
          alerts.replaceChildren(...(s.alerts.length ? s.alerts.slice().reverse().map((a) => el("li", { class: a.kind },
            `${a.kind === "spike" ? "Spike" : "Drop"}${a.track ? ` in ${name(a)}` : ""} at ${new Date(a.at).toLocaleTimeString()}: ${fmt.format(a.observed)} streams (usually ${Math.round(a.expected)})`))
            : [el("li", { class: "muted" }, "No spikes or drops.")]));
          const playing = $("#live-playing");
          playing.replaceChildren(...(s.now_playing.length ? s.now_playing.map((p) => el("li", {}, `${p.user}: ${name(p)}`))
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
        const tags = (e) => (e.tags || []).map((t) => t.name).join(", ");
        const value = (e, k) => (k === "tags" ? tags(e) || null : k === "title" ? e.title || e.file : e[k] ?? null);
        const labels = { artist: "Artist", title: "Title", album: "Album", duration_s: "Length", bpm: "BPM", camelot: "Key", loudness_lufs: "LUFS", energy: "Energy", tags: "Tags", status: "Status" };
        const row = (e) => {
          const tr = el("tr", { "data-key": keyOf(e), "data-status": e.status });
          const cell = (key, text, cls) => { const td = el("td", { "data-label": labels[key] || "", ...(cls ? { class: cls } : {}) }, text ?? ""); tr.append(td); return td; };
          cell("artist", e.artist || "—");
          cell("title", e.title || e.file, "name");
          cell("album", e.album || "");
          cell("duration_s", clock(e.duration_s), "num");
          cell("bpm", e.bpm != null ? e.bpm.toFixed(1) : "", "num");
          cell("camelot", e.key ? `${e.key} · ${e.camelot}` : "");
          cell("loudness_lufs", e.loudness_lufs != null ? e.loudness_lufs.toFixed(1) : "", "num");
          cell("energy", e.energy != null ? e.energy.toFixed(2) : "", "num");
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
        };
        library.querySelectorAll("button.sort").forEach((b) => b.addEventListener("click", () => {
          sortDir = sortKey === b.dataset.key ? -sortDir : 1; sortKey = b.dataset.key;
          library.querySelectorAll("th").forEach((th) => th.setAttribute("aria-sort", "none"));
          b.closest("th").setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
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
          xhr.onload = () => { let d = null; try { d = JSON.parse(xhr.responseText); } catch (_) {} [200, 201].includes(xhr.status) ? resolve(d) : reject(new Error(d?.error?.message || `upload failed (${xhr.status})`)); };
          xhr.onerror = () => reject(new Error("the upload was interrupted"));
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
            } catch (err) { problems.push(`${f.name}: ${err.message}`); }
          }
          if (ids.length) { try { await api("POST", "/api/v1/library/analyses", { uploads: ids }); } catch (err) { problems.push(err.message); } }
          say([ids.length ? `${ids.length} file${ids.length > 1 ? "s" : ""} uploaded and queued for analysis.` : "", ...problems].filter(Boolean).join(" · "), problems.length > 0);
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
          try { await api("POST", "/api/v1/library/demo"); say("Eight demo songs added; their analysis is under way."); }
          catch (err) { say(err.message, true); }
          busy(false);
        });
      }

      // Playlists: the form becomes POST /api/v1/playlists; each transition shows its score and parts.
      const plForm = $("#pl-form");
      if (plForm) {
        const status = $("#pl-status"), result = $("#pl-result");
        // From "More like this": build at once and show the result.
        let scrollToResult = plForm.dataset.autostart === "true";
        // By name through querySelector: form.elements.length is the number of controls, not the field.
        const field = (name) => plForm.querySelector(`[name="${name}"]`);
        const modeOf = () => plForm.querySelector("input[name=mode]:checked").value;
        const sync = () => {
          const mode = modeOf();
          plForm.querySelectorAll(".for-radio,.for-path,.for-order").forEach((n) => { n.hidden = !n.classList.contains(`for-${mode}`); });
          $("#pick-label").textContent = mode === "order" ? "Tracks to order (choose two or more)" : "Seed tracks (choose one or more)";
        };
        plForm.querySelectorAll("input[name=mode]").forEach((r) => r.addEventListener("change", sync));
        sync();
        const words = (name) => field(name).value.split(",").map((x) => x.trim()).filter(Boolean);
        const num = (name) => { const v = field(name).value; return v === "" ? undefined : Number(v); };
        const minutes = (name) => { const v = num(name); return v === undefined ? undefined : v * 60; };
        const parts = [["tempo", "Tempo"], ["key", "Key"], ["loudness", "Loudness"], ["energy", "Energy"], ["embedding", "Sound"]];
        const why = (a, b, part) => ({
          tempo: `${Math.round(a.outro_bpm)} → ${Math.round(b.bpm)} BPM`,
          key: `${a.outro_camelot || "?"} → ${b.camelot || "?"}`,
          loudness: `${(b.loudness_lufs - a.loudness_lufs).toFixed(1)} LU`,
          energy: `${a.energy.toFixed(2)} → ${b.energy.toFixed(2)}`,
          embedding: "timbre distance",
        })[part];
        const show = (p) => {
          result.hidden = false;
          $("#pl-summary").textContent = `${p.tracks.length} tracks · ${clock(p.duration_s)} · total cost ${p.total_cost.toFixed(2)}`;
          $("#pl-downloads").replaceChildren(...["m3u8", "xspf", "jspf"].map((f) => el("a", { class: "button", href: p.exports[f], download: "" }, `Download ${f.toUpperCase()}`)));
          $("#pl-list").replaceChildren(...p.tracks.map((t, i) => {
            const li = el("li", { class: "step" });
            const head = el("div", { class: "track" });
            head.append(el("span", { class: "n" }, String(i + 1)));
            const name = el("div", { class: "who" });
            name.append(el("span", { class: "name" }, t.title), el("span", { class: "sub" }, [t.artist, t.album].filter(Boolean).join(" · ")));
            head.append(name, el("span", { class: "facts" }, `${Math.round(t.bpm)} BPM · ${t.camelot || "?"} · energy ${t.energy.toFixed(2)} · ${clock(t.duration_s)}`));
            li.append(head);
            if (t.transition) {
              const c = t.transition, next = p.tracks[i + 1];
              const box = el("div", { class: "transition" });
              const grade = c.total < 0.75 ? "smooth" : c.total < 1.5 ? "fair" : "rough";
              box.append(el("span", { class: `score ${grade}`, title: "Transition cost: lower is smoother" }, `${c.total.toFixed(2)} ${grade}`));
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
        };
        plForm.addEventListener("submit", async (ev) => {
          ev.preventDefault();
          const mode = modeOf();
          const picked = [...$("#pl-tracks").selectedOptions].map((o) => Number(o.value));
          const body = {
            mode, arc: field("arc").value, artist_spacing: num("artist_spacing") ?? 0, max_per_artist: num("max_per_artist"),
            max_per_album: num("max_per_album"), min_bpm: num("min_bpm"), max_bpm: num("max_bpm"), max_track_seconds: minutes("max_track_minutes"),
            duration_seconds: minutes("duration_minutes"), duration_tolerance_seconds: minutes("tolerance_minutes"),
            exclude_artists: words("exclude_artists"), exclude_albums: words("exclude_albums"), exclude_tags: words("exclude_tags"),
          };
          if (mode === "radio") { body.seeds = picked; if (body.duration_seconds === undefined) body.length = num("length"); }
          if (mode === "path") { body.from = Number(field("from").value); body.to = Number(field("to").value); body.length = num("length"); }
          if (mode === "order") body.tracks = picked;
          status.classList.remove("error"); status.textContent = "Building…";
          try { show(await api("POST", "/api/v1/playlists", body)); status.textContent = ""; if (scrollToResult) { scrollToResult = false; result.scrollIntoView({ block: "start" }); } }
          catch (err) { status.textContent = err.message; status.classList.add("error"); result.hidden = true; }
        });
        if (scrollToResult) plForm.requestSubmit();
      }
    })();
    """#
}
