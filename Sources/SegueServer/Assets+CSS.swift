extension Assets {
    static let css = #"""
    :root{--bg:#0c0d12;--bg2:#14161f;--card:#181b26;--line:#2a2e3d;--text:#eef0f6;--muted:#9aa1b5;--accent:#7c5cff;--accent2:#1ed6a0;--danger:#ff6b6b;--ok:#1ed6a0;--link:#1ed6a0;--on-accent:#6a48f5;--accent-soft:#272347;--radius:16px;--shadow:0 10px 30px rgba(0,0,0,.35);color-scheme:dark light}
    :root[data-theme=dark]{color-scheme:dark}
    @media (prefers-color-scheme: light){:root:not([data-theme=dark]){--bg:#f6f7fb;--bg2:#eceef6;--card:#ffffff;--line:#dde1ec;--text:#151824;--muted:#5b6275;--accent:#5b3df5;--accent2:#0f9d76;--danger:#c62828;--ok:#0a6e52;--link:#0a6e52;--on-accent:#5b3df5;--accent-soft:#d6d3f6;--shadow:0 8px 24px rgba(20,24,40,.08);color-scheme:light}}
    :root[data-theme=light]{--bg:#f6f7fb;--bg2:#eceef6;--card:#ffffff;--line:#dde1ec;--text:#151824;--muted:#5b6275;--accent:#5b3df5;--accent2:#0f9d76;--danger:#c62828;--ok:#0a6e52;--link:#0a6e52;--on-accent:#5b3df5;--accent-soft:#d6d3f6;--shadow:0 8px 24px rgba(20,24,40,.08);color-scheme:light}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;font:16px/1.55 Inter,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:radial-gradient(1200px 600px at 10% -10%,color-mix(in srgb,var(--accent) 22%,transparent),transparent),radial-gradient(900px 500px at 110% 0%,color-mix(in srgb,var(--accent2) 14%,transparent),transparent),var(--bg);background-attachment:fixed;color:var(--text);min-height:100vh;display:flex;flex-direction:column}
    a{color:var(--link)}
    a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,.drop:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
    .skip{position:absolute;left:-999px;top:0;background:var(--accent);color:#fff;padding:.5rem 1rem;border-radius:0 0 8px 0;z-index:10}
    .skip:focus{left:0}
    .sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
    .site-head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1rem;padding:.9rem 1rem;max-width:1120px;width:100%;margin:0 auto}
    .brand{display:flex;align-items:center;gap:.55rem;font-weight:800;font-size:1.2rem;color:var(--text);text-decoration:none;letter-spacing:-.01em}
    .logo{width:28px;height:28px;border-radius:8px;background:url(/static/icon.svg) center/cover}
    nav{min-width:0;max-width:100%}
    nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;margin:0;padding:.25rem;background:var(--card);border:1px solid var(--line);border-radius:22px}
    @media (max-width: 720px){.site-head nav{width:100%}.site-head nav ul{justify-content:center}}
    nav a{display:block;padding:.4rem .85rem;border-radius:999px;color:var(--muted);text-decoration:none;font-weight:600;font-size:.92rem;white-space:nowrap}
    nav a:hover{color:var(--text)}
    nav a[aria-current=page]{background:var(--on-accent);color:#fff}
    main{flex:1;width:100%;max-width:1120px;margin:0 auto;padding:.5rem 1rem 2rem}
    main:focus{outline:none}
    h1{font-size:clamp(1.8rem,6vw,2.6rem);line-height:1.15;letter-spacing:-.02em;margin:.6rem 0 .6rem}
    h2{font-size:1.15rem;margin:0 0 .8rem}
    .hero h1{font-size:clamp(2.1rem,8vw,3.6rem);margin-top:1rem}
    .grad{background:linear-gradient(90deg,var(--accent),var(--accent2));-webkit-background-clip:text;background-clip:text;color:transparent}
    .lead{color:var(--muted);font-size:1.08rem;max-width:46rem;margin:0 0 1.2rem}
    .card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1.1rem;box-shadow:var(--shadow);margin:0 0 1rem}
    .upload{display:flex;flex-direction:column;align-items:stretch}
    .drop{border:2px dashed color-mix(in srgb,var(--accent) 55%,var(--line));border-radius:14px;padding:1.6rem 1rem;text-align:center;display:flex;flex-direction:column;align-items:center;gap:.6rem;transition:background .2s,border-color .2s;cursor:pointer}
    .drop.over{background:color-mix(in srgb,var(--accent) 14%,transparent);border-color:var(--accent)}
    .drop p{margin:0;color:var(--muted)}
    .drop strong{color:var(--text)}
    .drop input[type=file]{position:absolute;width:1px;height:1px;opacity:0}
    .drop input[type=file]:focus-visible+label{outline:3px solid var(--accent);outline-offset:2px}
    .icon{width:40px;height:40px;fill:none;stroke:var(--accent2);stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
    .button{display:inline-flex;align-items:center;justify-content:center;gap:.4rem;font:inherit;font-weight:700;padding:.7rem 1.15rem;border-radius:12px;border:1px solid var(--line);background:var(--bg2);color:var(--text);cursor:pointer;text-decoration:none;min-height:44px}
    .button:hover{border-color:var(--accent)}
    .button.primary{background:linear-gradient(135deg,var(--accent),color-mix(in srgb,var(--accent) 60%,var(--accent2)));border:0;color:#fff}
    .button:disabled{opacity:.55;cursor:progress}
    .or{display:flex;align-items:center;gap:.8rem;color:var(--muted);margin:1rem 0;font-size:.9rem}
    .or::before,.or::after{content:"";flex:1;height:1px;background:var(--line)}
    .hint{color:var(--muted);font-size:.9rem;margin:.5rem 0 0;text-align:center}
    .progress{margin-top:1rem}
    .meter{height:12px;background:var(--bg2);border-radius:999px;overflow:hidden;border:1px solid var(--line)}
    .meter span{display:block;height:100%;width:0;background:linear-gradient(90deg,var(--accent),var(--accent2));transition:width .2s}
    .progress p{margin:.5rem 0 0;color:var(--muted);font-size:.92rem}
    .steps{margin:0;padding-left:1.3rem;color:var(--muted)}
    .steps li{margin:.35rem 0}
    .steps strong{color:var(--text)}
    .notice{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--accent);padding:.8rem 1rem;border-radius:12px}
    .notice.ok{border-left-color:var(--ok)}
    .notice.error{border-left-color:var(--danger)}
    code{font:.92em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg2);border:1px solid var(--line);padding:.1em .4em;border-radius:6px;overflow-wrap:anywhere}
    code.token{display:inline-block;font-size:1.05em;padding:.4em .7em;user-select:all}
    label{display:flex;flex-direction:column;gap:.3rem;font-weight:600;font-size:.88rem;color:var(--muted)}
    select,input[type=number],input[type=date],input[type=text],textarea{font:inherit;color:var(--text);background:var(--bg2);border:1px solid var(--line);border-radius:10px;padding:.55rem .65rem;min-height:44px;width:100%}
    textarea{resize:vertical}
    .filters{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.7rem;align-items:end}
    .filters .button{grid-column:1/-1}
    .filters .custom{display:none}
    .filters.is-custom .custom{display:flex}
    .totals{display:grid;grid-template-columns:repeat(2,1fr);gap:.7rem;margin:0 0 1rem}
    .stat{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:.8rem 1rem;display:flex;flex-direction:column}
    .stat .v{font-size:1.5rem;font-weight:800;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
    .stat .l{color:var(--muted);font-size:.85rem}
    .split{display:grid;gap:1rem;grid-template-columns:1fr}
    .live h1 .pulse{display:inline-block;width:.55rem;height:.55rem;border-radius:50%;background:var(--ok);margin-left:.4rem;vertical-align:middle;animation:pulse 1.6s ease-in-out infinite}
    @keyframes pulse{50%{opacity:.25}}
    @media (prefers-reduced-motion: reduce){.live h1 .pulse{animation:none}}
    .top-now{font-size:1.3rem;font-weight:700;margin:.2rem 0}
    .leaderboard{margin:0;padding:0;list-style:none;display:grid;gap:.45rem;font-variant-numeric:tabular-nums}
    .leaderboard li{display:grid;grid-template-columns:1.6rem 1fr auto;column-gap:.6rem;row-gap:.2rem}
    .leaderboard .rank{color:var(--muted);font-weight:700;text-align:right}
    .trend-axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem;margin-top:.2rem;font-variant-numeric:tabular-nums}
    .leaderboard .count{font-weight:700}
    .leaderboard .bar{grid-column:1/-1;height:.35rem;border-radius:.2rem;background:linear-gradient(90deg,var(--accent),var(--accent2));width:0;transition:width .4s ease}
    @media (prefers-reduced-motion: reduce){.leaderboard .bar{transition:none}}
    .live-head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.6rem}
    .live-head .window{display:flex;align-items:center;gap:.4rem;color:var(--muted)}
    .kpis{grid-template-columns:repeat(2,1fr)}
    @media (min-width: 900px){.kpis{grid-template-columns:repeat(3,1fr) 2fr}}
    .top-stat .v{font-size:1.1rem;line-height:1.3}
    .spark{width:100%;height:110px;color:var(--accent2);display:block}
    .spark .s0,.legend .s0::before{stroke:#1ed6a0;background:#1ed6a0}
    .spark .s1,.legend .s1::before{stroke:#7c5cff;background:#7c5cff}
    .spark .s2,.legend .s2::before{stroke:#ffb547;background:#ffb547}
    .spark .s3,.legend .s3::before{stroke:#ff6b9a;background:#ff6b9a}
    .spark .s4,.legend .s4::before{stroke:#4cc3ff;background:#4cc3ff}
    .legend{list-style:none;margin:.5rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.85rem;color:var(--muted)}
    .legend li::before{content:"";display:inline-block;width:.7rem;height:.7rem;border-radius:.2rem;margin-right:.35rem;vertical-align:-.05rem}
    .playing{list-style:none;margin:0;padding:0;display:grid;gap:.3rem}
    .own-body{display:grid;gap:.5rem}.own-body p{margin:0}
    .own-now .l{color:var(--muted);margin-right:.3rem}
    .own-today{font-variant-numeric:tabular-nums}
    .own-recent{list-style:none;margin:0;padding:0;display:grid;gap:.3rem}
    .own-recent time{color:var(--muted);font-variant-numeric:tabular-nums;margin-right:.4rem}
    @media (min-width:900px){.own-body{grid-template-columns:minmax(0,1fr) minmax(0,1.3fr);grid-template-rows:auto 1fr;align-items:start;column-gap:1.5rem}.own-body .own-recent,.own-body .own-today+.muted{grid-column:2;grid-row:1/span 2}}
    .alerts{list-style:none;margin:0;padding:0;display:grid;gap:.35rem}.alerts .spike{color:var(--ok)}.alerts .drop{color:var(--danger)}
    .recap-cards{display:flex;flex-direction:column;align-items:center;gap:1.5rem;margin:1.5rem 0}
    .recap-card{margin:0;width:100%;max-width:540px}
    .recap-card svg{width:100%;height:auto;display:block;border-radius:var(--radius);box-shadow:var(--shadow)}
    @media (min-width: 900px){.recap-cards{display:grid;grid-template-columns:repeat(3,1fr);align-items:start}.recap-card{max-width:none}}
    .only-light{display:none}
    @media (prefers-color-scheme: light){:root:not([data-theme=dark]) .only-light{display:block}:root:not([data-theme=dark]) .only-dark{display:none}}
    :root[data-theme=light] .only-light{display:block}:root[data-theme=light] .only-dark{display:none}
    .chart-note{color:var(--muted);font-size:.85rem;margin:.4rem 0 0}
    .recap-video{max-width:540px;margin:1.5rem auto}
    .recap-video video{width:100%;max-width:360px;display:block;border-radius:var(--radius);box-shadow:var(--shadow);background:#000}
    .recap-years ul{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:.5rem 0}
    .recap-years a{display:inline-block;padding:.35rem .8rem;border-radius:999px;border:1px solid var(--line);text-decoration:none}
    .recap-years a[aria-current]{background:var(--on-accent);color:#fff;border-color:var(--on-accent)}
    .chart{margin:0}
    .chart svg{width:100%;height:auto;display:block;border-radius:var(--radius);box-shadow:var(--shadow)}
    table.top{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
    .top th{text-align:left;color:var(--muted);font-size:.8rem;font-weight:600;padding:.3rem .4rem;border-bottom:1px solid var(--line)}
    .top td{padding:.5rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
    .top tr:last-child td{border-bottom:0}
    .top .rank{color:var(--muted);width:2rem}
    .top .name{display:block;font-weight:600;overflow-wrap:anywhere}
    .top .sub{display:block;color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}
    .num{text-align:right!important;white-space:nowrap}
    .minis{display:grid;gap:1rem;grid-template-columns:1fr}
    .minis figure{margin:0}
    .minis figcaption{color:var(--muted);font-size:.85rem;margin-bottom:.3rem}
    svg.mini{width:100%;height:auto;display:block}
    svg.mini .bar{fill:var(--accent)}
    svg.mini .bar:hover{fill:var(--accent2)}
    svg.mini .axis{fill:var(--muted);font-size:20px;font-family:Inter,system-ui,sans-serif}
    .create .grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.7rem}
    .create .group{border:0;margin:0 0 1rem;padding:0;min-width:0}.create .group legend{font-weight:700;font-size:1.02rem;margin-bottom:.5rem;padding:0}
    .create .applies{font-weight:500;font-size:.78rem;color:var(--muted);border:1px solid var(--line);border-radius:999px;padding:.05rem .5rem;margin-left:.4rem;vertical-align:middle}
    .create .hint{margin:.5rem 0 0;text-align:left}.create .custom{display:none}.create.is-custom .custom{display:flex}
    .create .outputs{display:grid;gap:1rem;grid-template-columns:1fr}
    .create .output{border:1px solid var(--line);border-radius:var(--radius);padding:.9rem 1rem 1rem;margin:0;display:flex;flex-direction:column;gap:.7rem}
    .create .output legend{padding:0 .4rem;margin-left:-.4rem}.create .output .hint{margin:0}.create .output .button{margin-top:auto}
    @media (min-width:720px){.create .outputs{grid-template-columns:1fr 2fr}.create .output .grid{grid-template-columns:repeat(3,minmax(0,1fr))}}
    .actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:1rem}
    .actions .button{flex:1 1 12rem}
    .jobs{display:grid;gap:1rem}
    .job{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1rem;box-shadow:var(--shadow)}
    .job h3{margin:0 0 .5rem;font-size:1rem}
    .job .preview{display:block;max-width:100%;max-height:70vh;margin:.8rem auto;border-radius:12px}
    .job .downloads{display:flex;flex-wrap:wrap;gap:.5rem}
    .job .status{color:var(--muted);font-size:.9rem;margin:.4rem 0}
    .feedback{display:flex;flex-direction:column;gap:.7rem;max-width:40rem}
    .stars{border:0;padding:0;margin:0}
    .stars legend{font-weight:600;font-size:.88rem;color:var(--muted);margin-bottom:.3rem}
    .star-row{display:inline-flex;flex-direction:row-reverse;gap:.2rem}
    .star-row input{position:absolute;opacity:0;width:1px;height:1px}
    .star-row label{width:40px;height:40px;cursor:pointer;background:var(--line);-webkit-mask:url('data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2l3 7 7 .6-5.4 4.7 1.7 7.2L12 17.8 5.7 21.5l1.7-7.2L2 9.6 9 9z"/></svg>') center/contain no-repeat;mask:url('data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2l3 7 7 .6-5.4 4.7 1.7 7.2L12 17.8 5.7 21.5l1.7-7.2L2 9.6 9 9z"/></svg>') center/contain no-repeat}
    .star-row input:checked~label,.star-row label:hover,.star-row label:hover~label{background:#ffc83d}
    .star-row input:focus-visible+label{outline:3px solid var(--accent);outline-offset:2px}
    .foot{max-width:1120px;width:100%;margin:0 auto;padding:1rem;color:var(--muted);font-size:.85rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;border-top:1px solid var(--line)}
    .foot p{margin:0}
    .hint-inline{margin-left:.35rem}
    .prefs{display:grid;gap:.8rem;grid-template-columns:1fr}
    @media (min-width: 720px){.prefs{grid-template-columns:repeat(2,minmax(0,1fr))}}
    .prefs .button{grid-column:1/-1;justify-self:start}
    .field-hint{font-weight:400;font-size:.82rem}
    .inline{display:inline}
    .link{background:none;border:0;font:inherit;color:var(--accent2);cursor:pointer;padding:.5rem 0;text-decoration:underline}
    .link.danger{color:var(--danger)}
    [hidden]{display:none!important}
    .muted{color:var(--muted)}
    .status-line{color:var(--muted);font-size:.92rem;margin:.6rem 0 0;min-height:1.2em}
    .status-line.error{color:var(--danger)}
    .actions .status-line{flex:1 1 100%;margin:0}.actions .status-line:empty{display:none}.status-line:focus{outline:none}.status-line.error:focus-visible{outline:2px solid var(--danger);outline-offset:3px}
    .table-head{display:flex;flex-wrap:wrap;align-items:flex-end;justify-content:space-between;gap:.6rem 1rem;margin-bottom:.6rem}
    .table-head h2{margin:0}
    .table-head h2 .muted{font-weight:500;font-size:.9rem}
    .table-tools{display:flex;flex-wrap:wrap;gap:.6rem;flex:1 1 18rem;justify-content:flex-end}
    .table-tools label{flex:1 1 10rem;max-width:18rem}
    table.library{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.92rem}
    .library th{text-align:left;padding:0;border-bottom:1px solid var(--line);white-space:nowrap}
    .library th.num .sort{text-align:right}
    .library .sort{all:unset;display:block;box-sizing:border-box;width:100%;cursor:pointer;color:var(--muted);font-size:.8rem;font-weight:600;padding:.35rem .4rem;min-height:32px}
    .library .sort:focus-visible{outline:3px solid var(--accent)}
    .library .sort::after{content:"↕";display:inline-block;margin-left:.3rem;opacity:.45;font-size:.85em}
    .library .sort:hover{color:var(--text)}.library .sort:hover::after{opacity:.9}
    .library th[aria-sort=ascending] .sort,.library th[aria-sort=descending] .sort{color:var(--text)}
    .library th[aria-sort=ascending] .sort::after{content:"▲";opacity:1}
    .library th[aria-sort=descending] .sort::after{content:"▼";opacity:1}
    .library td[data-label=Key],.library td[data-label=Length],.library td[data-label=BPM]{white-space:nowrap}
    @media (min-width:760px){.library td[data-label=Album]{white-space:nowrap;max-width:14rem;overflow:hidden;text-overflow:ellipsis}}
    .library td{padding:.5rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
    .library td.name{font-weight:600;overflow-wrap:anywhere}
    .library .reason{display:block;color:var(--danger);font-size:.8rem;max-width:22rem;min-width:12rem;overflow-wrap:anywhere}
    .library td.num .sub{display:block;color:var(--muted);font-size:.75rem;white-space:nowrap}
    .library .more{white-space:nowrap;font-weight:600}
    .badge{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.78rem;font-weight:700;background:var(--bg2);border:1px solid var(--line);color:var(--muted)}
    .badge.done{color:var(--ok);border-color:color-mix(in srgb,var(--ok) 50%,var(--line))}
    .badge.failed{color:var(--danger);border-color:color-mix(in srgb,var(--danger) 50%,var(--line))}
    .badge.decoding,.badge.analyzing{color:var(--accent2);animation:pulse 1.6s ease-in-out infinite}
    @media (max-width:759px){
      .table-tools{justify-content:stretch}
      .table-tools label{max-width:none}
      .library thead tr{display:flex;flex-wrap:wrap;gap:.2rem}
      .library thead th{border:0}
      .library thead th:last-child{display:none}
      .library .sort{border:1px solid var(--line);border-radius:999px;padding:.25rem .6rem}
      .library tbody tr{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.25rem .6rem;padding:.7rem 0;border-bottom:1px solid var(--line)}
      .library tbody td{border:0;padding:0;text-align:left!important}
      .library tbody td::before{content:attr(data-label);display:block;color:var(--muted);font-size:.72rem;font-weight:600}
      .library tbody td.name{grid-column:1/-1;grid-row:1;font-size:1rem}
      .library tbody td.name::before,.library tbody td.act::before{content:none}
      .library tbody td:first-child{grid-column:1/-1;grid-row:2;color:var(--muted)}
      .library tbody td:first-child::before{content:none}
      .library tbody td:empty{display:none}
      .library tbody td.state,.library tbody td.act{grid-column:1/-1}
    }
    .playlist-form .grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.7rem;margin-top:.8rem}
    .playlist-form .wide{grid-column:1/-1}
    .playlist-form .wide-half{grid-column:span 2}
    .picker{display:flex;flex-direction:column;gap:.35rem;min-width:0}
    .picker>label{font-weight:600;font-size:.88rem;color:var(--muted)}
    .chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.35rem}
    .chip{display:inline-flex;align-items:center;gap:.25rem;max-width:100%;padding:.2rem .2rem .2rem .7rem;border-radius:999px;background:var(--accent-soft);color:var(--text);border:1px solid color-mix(in srgb,var(--accent) 55%,var(--line));font-size:.88rem;font-weight:600}
    .chip span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
    .chip .remove{all:unset;cursor:pointer;width:1.6rem;height:1.6rem;border-radius:999px;text-align:center;line-height:1.6rem;color:var(--muted);font-size:1.1rem}
    .chip .remove:hover{color:var(--text);background:var(--bg2)}
    .chip .remove:focus-visible{outline:3px solid var(--accent)}
    .combo{position:relative}
    .combo input{width:100%}
    .suggest{list-style:none;margin:.25rem 0 0;padding:.3rem;position:absolute;left:0;right:0;top:100%;z-index:5;max-height:17rem;overflow:auto;background:var(--card);border:1px solid var(--line);border-radius:12px;box-shadow:var(--shadow)}
    .suggest li{padding:.45rem .6rem;border-radius:8px;cursor:pointer}
    .suggest li[aria-selected=true]{background:var(--accent-soft)}
    .suggest li.none{color:var(--muted);cursor:default}
    .suggest .name{display:block;font-weight:600;overflow-wrap:anywhere}
    .suggest .sub{display:block;color:var(--muted);font-size:.8rem}
    .player{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem 1rem;margin:0 0 .8rem;padding:.8rem;border:1px solid var(--line);border-radius:14px;background:var(--bg2)}
    .player .controls{display:flex;gap:.4rem}
    .icon-button{padding:0;width:2.75rem;height:2.75rem;border-radius:999px}
    .icon-button svg{width:1.25rem;height:1.25rem;fill:currentColor;stroke:currentColor;stroke-width:1.5;stroke-linejoin:round}
    .player .i-pause,.player.is-playing .i-play{display:none}
    .player.is-playing .i-pause{display:inline}
    .player .now{flex:1 1 14rem;min-width:0}
    .now-title{margin:0 0 .35rem;font-weight:700;overflow-wrap:anywhere}
    .player .meter{height:.45rem;border-radius:.25rem;background:var(--card);border:1px solid var(--line);overflow:hidden}
    .player .meter span{display:block;height:100%;width:0;background:linear-gradient(90deg,var(--accent),var(--accent2))}
    .player .meter.seek{height:.7rem;cursor:pointer}
    .player .meter.seek:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
    .player .times{display:flex;justify-content:space-between;margin:.2rem 0 0;color:var(--muted);font-size:.8rem;font-variant-numeric:tabular-nums}
    .sequence .step.playing .track{background:color-mix(in srgb,var(--accent) 12%,transparent);border-radius:10px}
    .sequence .step.playing .n{color:var(--accent2)}
    .sequence button.n{all:unset;box-sizing:border-box;cursor:pointer;color:var(--muted);font-weight:700;text-align:right;grid-row:span 2;min-width:2rem;min-height:1.6rem;border-radius:6px}
    .sequence button.n:hover{color:var(--accent2)}
    .sequence button.n:focus-visible{outline:3px solid var(--accent)}
    .transition .grade{display:flex;flex-direction:column;align-items:flex-start;gap:.3rem;flex:0 0 7.2rem}
    .transition .fade{font-size:.8rem;color:var(--muted);white-space:nowrap}
    @media (max-width:719px){.transition .grade{flex-direction:row;align-items:center;flex-basis:100%;gap:.7rem}}
    .save-row,.rename-row{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.6rem;margin-top:1rem;border-top:1px solid var(--line);padding-top:.9rem}
    .save-row label{flex:1 1 14rem}
    .rename-row{margin:0;padding:0;border:0;flex:1 1 100%}
    .rename-row input{flex:1 1 12rem}
    .saved{list-style:none;margin:0;padding:0}
    .saved li{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding:.55rem 0;border-bottom:1px solid var(--line)}
    .saved li:last-child{border-bottom:0}
    .saved .who{flex:1 1 14rem;min-width:0}
    .saved .open{all:unset;cursor:pointer;font-weight:700;color:var(--accent2);overflow-wrap:anywhere}
    .saved .open:hover{text-decoration:underline}
    .saved .open:focus-visible{outline:3px solid var(--accent)}
    .saved .sub{display:block;color:var(--muted);font-size:.82rem}
    .saved details.pushed{color:var(--muted);font-size:.82rem}
    .saved details.pushed summary{cursor:pointer}
    .saved .missing{margin:.2rem 0 0;padding-left:1.2rem}
    .saved .missing li{display:list-item;padding:.1rem 0;border:0}
    .saved .push-error{color:var(--danger);overflow-wrap:anywhere}
    .saved .refresh{display:inline-flex;flex-direction:row;align-items:center;gap:.4rem;white-space:nowrap;color:var(--text);cursor:pointer}
    .saved .refresh input{width:1.1rem;height:1.1rem;margin:0;accent-color:var(--accent)}
    .button.small{padding:.35rem .75rem;font-size:.85rem;border-radius:10px}
    .button.danger{color:var(--danger)}
    .modes{border:0;padding:0;margin:0;display:grid;gap:.5rem;grid-template-columns:1fr}
    .modes legend{font-weight:600;font-size:.88rem;color:var(--muted);margin-bottom:.3rem}
    .mode{flex-direction:row;align-items:center;gap:.6rem;padding:.6rem .8rem;border:1px solid var(--line);border-radius:12px;background:var(--bg2);color:var(--text);font-weight:500;cursor:pointer}
    .mode:has(input:checked){border-color:var(--accent);background:var(--accent-soft)}
    .mode input{accent-color:var(--accent);width:1.1rem;height:1.1rem;margin:0}
    .seed-source .mode:has(input:disabled){color:var(--muted);cursor:default}
    .playlist-form .check{flex-direction:row;align-items:center;gap:.5rem;color:var(--text);cursor:pointer}
    .playlist-form .check input{width:1.1rem;height:1.1rem;margin:0;accent-color:var(--accent)}
    .seeds-line{margin:.2rem 0 .8rem}
    .constraints{margin-top:1rem;border-top:1px solid var(--line);padding-top:.8rem}
    .constraints summary{cursor:pointer;font-weight:700;min-height:32px}
    .sequence{list-style:none;margin:0;padding:0;display:grid;gap:0}
    .sequence .track{display:grid;grid-template-columns:2rem 1fr;gap:.1rem .6rem;align-items:baseline;padding:.6rem 0}
    .sequence .n{color:var(--muted);font-weight:700;text-align:right;grid-row:span 2}
    .sequence .who .name{display:block;font-weight:700;overflow-wrap:anywhere}
    .sequence .who .sub{display:block;color:var(--muted);font-size:.85rem}
    .sequence .facts{grid-column:2;color:var(--muted);font-size:.85rem;font-variant-numeric:tabular-nums}
    .transition{margin:0 0 0 2.6rem;padding:.5rem .8rem;border-left:3px solid var(--line);display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:flex-start}
    .score{font-weight:800;font-size:.85rem;padding:.15rem .6rem;border-radius:999px;background:var(--bg2);border:1px solid var(--line);white-space:nowrap}
    .score.smooth{color:var(--ok)}.score.fair{color:#ffb547}.score.rough{color:var(--danger)}
    .parts{list-style:none;margin:0;padding:0;display:grid;gap:.2rem;flex:1 1 16rem;font-size:.8rem;font-variant-numeric:tabular-nums}
    .parts li{display:grid;grid-template-columns:4.6rem 4rem minmax(0,1fr);gap:.5rem;align-items:center}
    .parts .k{color:var(--muted)}
    .parts .bar{height:.4rem;border-radius:.2rem;background:var(--bg2);overflow:hidden;border:1px solid var(--line)}
    .parts .bar span{display:block;height:100%;background:var(--ok)}
    .parts .bar span.fair{background:#ffb547}
    .parts .bar span.rough{background:var(--danger)}
    .parts .v{color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
    #pl-downloads{display:flex;flex-wrap:wrap;gap:.5rem}
    @media (max-width:719px){.transition{margin-left:.9rem;padding:.5rem 0 .5rem .7rem}.parts li{grid-template-columns:4.2rem 2.6rem minmax(0,1fr)}.parts .v{white-space:normal}#pl-downloads{flex:1 1 100%}#pl-downloads .button{flex:1 1 auto;padding:.5rem .7rem;font-size:.9rem}}
    @media (min-width:720px){.playlist-form .grid{grid-template-columns:repeat(4,minmax(0,1fr))}.modes{grid-template-columns:repeat(3,1fr)}.seed-source{grid-column:1/-1}}
    @media (min-width:720px){
      .filters{grid-template-columns:repeat(4,1fr)}
      .filters.is-custom{grid-template-columns:repeat(4,1fr)}
      .filters .button{grid-column:auto}
      .totals{grid-template-columns:repeat(4,1fr)}
      .minis{grid-template-columns:repeat(3,1fr)}
      .create .group .grid{grid-template-columns:repeat(3,minmax(0,1fr))}
      .jobs{grid-template-columns:repeat(auto-fill,minmax(360px,1fr));align-items:start}
    }
    @media (min-width:1000px){.split{grid-template-columns:1fr 1fr;align-items:start}.filters{grid-template-columns:repeat(7,auto)}}
    @media (prefers-reduced-motion:reduce){*{transition:none!important}}
    """#
}
