/** The stylesheet inlined into the HTML report (no external assets). */
export const HTML_STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;
--ok:#1a7f37;--ok-bg:#dafbe1;--ok-bar:#2da44e;--neutral:#59636e;--neutral-bg:#eff2f5;--neutral-bar:#8c959f;
--warn:#9a6700;--warn-bg:#fff8c5;--warn-bar:#d4a72c;--bad:#d1242f;--bad-bg:#ffebe9;--bad-bar:#cf222e;--skip:#8250df;--skip-bg:#fbefff;--skip-bar:#c297ff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 24px 40px}
code,.mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,monospace;font-size:12.5px}
h1{font-size:22px;margin:0;font-weight:600}
h2{font-size:15px;margin:0 0 14px;font-weight:600}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:10px 14px;margin-bottom:6px}
.brand{font-weight:700;letter-spacing:.02em;color:var(--muted);font-size:13px;text-transform:uppercase}
.env{display:inline-block;margin-left:6px;padding:1px 8px;border:1px solid var(--line);border-radius:999px;font-size:12px;font-weight:500;color:var(--muted);vertical-align:3px;background:var(--card)}
.headline{font-size:16px;margin:4px 0 4px}
.meta{color:var(--muted);margin:0 0 22px;font-size:13px}
.meta a{color:#0969da}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:0 0 18px}
.badge{display:inline-flex;align-items:center;gap:6px;padding:3px 12px;border-radius:999px;font-weight:600;font-size:13px;white-space:nowrap}
.pill{display:inline-block;min-width:76px;text-align:center;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap}
.t-ok{color:var(--ok);background:var(--ok-bg)}.t-neutral{color:var(--neutral);background:var(--neutral-bg)}
.t-warn{color:var(--warn);background:var(--warn-bg)}.t-bad{color:var(--bad);background:var(--bad-bg)}.t-skip{color:var(--skip);background:var(--skip-bg)}
.release{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:12px 28px;margin:0}
.release div{min-width:0}
.release dt{color:var(--muted);font-size:12px;margin:0 0 2px}
.release dd{margin:0;font-size:11.5px;word-break:break-all}
.tl{position:relative}
.tl-row{display:grid;grid-template-columns:170px 1fr;align-items:center;height:30px}
.tl-label{font-size:13px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding-right:12px}
.tl-label .sym{display:inline-block;width:16px;font-weight:700}
.tl-track{position:relative;height:100%;border-left:1px solid var(--line);
background:linear-gradient(to right,transparent calc(25% - 1px),#eef1f4 calc(25% - 1px),#eef1f4 25%,transparent 25%,transparent calc(50% - 1px),#eef1f4 calc(50% - 1px),#eef1f4 50%,transparent 50%,transparent calc(75% - 1px),#eef1f4 calc(75% - 1px),#eef1f4 75%,transparent 75%)}
.tl-bar{position:absolute;top:7px;height:16px;border-radius:4px;min-width:3px}
.b-ok{background:var(--ok-bar)}.b-neutral{background:var(--neutral-bar)}.b-warn{background:var(--warn-bar)}.b-bad{background:var(--bad-bar)}
.b-skip{background:repeating-linear-gradient(135deg,var(--skip-bar) 0 4px,#eadcff 4px 8px)}
.tl-dur{position:absolute;top:6px;font-size:12px;color:var(--muted);white-space:nowrap}
.tl-axis{display:grid;grid-template-columns:170px 1fr;margin-top:4px;color:var(--muted);font-size:11px}
.tl-axis .ticks{position:relative;height:16px}
.tl-axis .ticks span{position:absolute;transform:translateX(-50%);white-space:nowrap}
.tl-axis .ticks span:first-child{transform:none}.tl-axis .ticks span:last-child{transform:translateX(-100%)}
.legend{display:flex;gap:16px;margin-top:12px;color:var(--muted);font-size:12px;flex-wrap:wrap}
.legend i{display:inline-block;width:12px;height:10px;border-radius:3px;margin-right:5px;vertical-align:-1px}
table{width:100%;border-collapse:collapse}
th{text-align:left;font-size:12px;color:var(--muted);font-weight:600;padding:6px 10px;border-bottom:1px solid var(--line)}
td{padding:8px 10px;border-bottom:1px solid #eef1f4;vertical-align:top}
tr:last-child td{border-bottom:0}
th.fit,td.fit{width:1%;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.name{word-break:break-word}
td.case{min-width:240px;max-width:380px;word-break:break-all}
td.msg{width:50%}
.err{margin-top:6px;padding:8px 10px;background:var(--bad-bg);border-radius:6px;color:#82071e}
.err .hint{color:var(--fg);margin-top:4px}
pre{margin:0;white-space:pre-wrap;word-break:break-word;max-height:9.5em;overflow:auto;font-size:12px}
details summary{cursor:pointer;font-weight:600;margin:2px 0 10px}
details+details{margin-top:10px}
.muted{color:var(--muted)}
ol.plan{margin:0;padding-left:20px}ol.plan li{margin:4px 0}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
`;
