/**
 * The HTML report of a run: one self-contained file (inline CSS, no scripts, no external assets, a
 * CSP that forbids both) with the verdict, the release, a timeline of the steps, the steps and
 * checks, the test cases (worst first) and the plan of a dry run. Everything is escaped. Pure.
 */
import type { CheckSummary, RunRecord } from '../run-record.js';
import { HTML_STYLE } from './html-style.js';
import { SYMBOL, type Tone, caseKind, escapeMarkup as x, formatDuration, isProblem, offsetMs, sortCases, stepText, toneOf } from './format.js';

const TONES: Tone[] = ['ok', 'neutral', 'warn', 'bad', 'skip'];
const pill = (status: string) => `<span class="pill t-${toneOf(status)}">${x(status)}</span>`;
const pct = (n: number) => `${Math.min(100, Math.max(0, n)).toFixed(3)}%`;

function header(record: RunRecord): string {
  const vt = toneOf(record.verdict);
  const verdict = record.dryRun ? 'dry run' : record.verdict;
  const url = record.host.url && /^https?:\/\//.test(record.host.url) ? ` · <a href="${x(record.host.url)}">${x(record.host.ci)} run</a>` : ` · ${x(record.host.ci)}`;
  return `<div class="top"><div><div class="brand">dataship</div><h1>${x(record.job)}${record.env ? `<span class="env">${x(record.env)}</span>` : ''}</h1></div>
<span class="badge t-${vt}">${SYMBOL[vt]} ${x(verdict.charAt(0).toUpperCase() + verdict.slice(1))}</span></div>
<p class="headline">${x(record.headline)}</p>
<p class="meta">run <code>${x(record.runId)}</code> · <code>${x(record.command)}</code> · by ${x(record.actor)} · started ${x(record.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))} · took ${formatDuration(record.durationMs)}${url}</p>`;
}

function release(record: RunRecord): string {
  const r = record.release;
  if (!r) return '';
  const item = (label: string, value: string | number | null | undefined, note = '') =>
    `<div><dt>${x(label)}</dt><dd class="mono" title="${x(value ?? '')}">${value === null || value === undefined || value === '' ? '<span class="muted">–</span>' : x(value)}${note ? ` <span class="muted">${x(note)}</span>` : ''}</dd></div>`;
  return `<section class="card"><h2>Release</h2><dl class="release">
${item('Release', r.id)}${item('Git commit', r.gitSha)}${item('Image repository', r.image.repository)}
${item('Image digest', r.image.digest)}${item('Runtime image digest', r.image.runtimeDigest)}${item('DAG bundle digest', r.dags.bundleDigest, `${r.dags.files} files`)}
${item('dbt project digest', r.dbt.projectDigest)}${item('dbt manifest digest', r.dbt.manifestDigest ?? null)}
</dl></section>`;
}

function timeline(record: RunRecord): string {
  if (!record.steps.length) return '';
  const ends = record.steps.map((s) => offsetMs(record.startedAt, s.startedAt) + Math.max(0, s.durationMs));
  const total = Math.max(record.durationMs, ...ends, 1);
  const rows = record.steps.map((s) => {
    const tone = toneOf(s.status);
    const left = (offsetMs(record.startedAt, s.startedAt) / total) * 100;
    const width = Math.max(0.4, (Math.max(0, s.durationMs) / total) * 100);
    const end = Math.min(100, left + width);
    const dur = end > 82 ? `<span class="tl-dur" style="right:calc(${pct(100 - left)} + 6px)">${formatDuration(s.durationMs)}</span>` : `<span class="tl-dur" style="left:calc(${pct(end)} + 6px)">${formatDuration(s.durationMs)}</span>`;
    return `<div class="tl-row"><div class="tl-label" title="${x(s.name)}: ${x(s.status)}"><span class="sym" style="color:var(--${tone})">${SYMBOL[tone]}</span>${x(s.name)}</div><div class="tl-track"><div class="tl-bar b-${tone}" data-step="${x(s.name)}" style="left:${pct(left)};width:${pct(width)}" title="${x(s.name)} · ${x(s.status)} · ${formatDuration(s.durationMs)}"></div>${dur}</div></div>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span style="left:${pct(f * 100)}">${formatDuration(f * total)}</span>`).join('');
  const used = new Set(record.steps.map((s) => toneOf(s.status)));
  const names: Record<Tone, string> = { ok: 'changed', neutral: 'unchanged', warn: 'warning', bad: 'failed', skip: 'skipped' };
  const legend = TONES.filter((t) => used.has(t)).map((t) => `<span><i class="b-${t}"></i>${names[t]}</span>`).join('');
  return `<section class="card"><h2>Timeline</h2><div class="tl">${rows.join('\n')}<div class="tl-axis"><div></div><div class="ticks">${ticks}</div></div></div><div class="legend">${legend}</div></section>`;
}

function steps(record: RunRecord): string {
  if (!record.steps.length) return '';
  const rows = record.steps.map((s) => {
    const e = s.error;
    const err = s.status === 'failed' && e
      ? `<div class="err"><strong>${x(e.code ?? 'error')}</strong>: ${x(e.message ?? '')}${e.operation ? `<div class="muted">while: ${x(e.operation)}</div>` : ''}${e.hint ? `<div class="hint">→ ${x(e.hint)}</div>` : ''}</div>`
      : '';
    const text = s.status === 'failed' && e ? s.summary ?? '' : stepText(s);
    return `<tr><td class="fit">${pill(s.status)}</td><td class="fit"><strong>${x(s.name)}</strong></td><td>${x(text)}${err}</td><td class="num">${formatDuration(s.durationMs)}</td></tr>`;
  });
  return `<section class="card"><h2>Steps</h2><table><thead><tr><th class="fit">Status</th><th class="fit">Step</th><th>Summary</th><th class="num">Duration</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function checks(record: RunRecord): string {
  if (!record.checks.length) return '';
  const rows = record.checks.map((c) => {
    const n = (pred: (s: string) => boolean) => (c.cases ?? []).filter((k) => pred(k.status)).length;
    const counts = c.cases?.length ? `${c.cases.length} cases · ${n((s) => toneOf(s) === 'bad')} failing · ${n((s) => s === 'warn')} warning` : '';
    return `<tr><td class="fit">${pill(c.status)}</td><td class="fit"><strong>${x(c.name)}</strong></td><td>${x(c.summary)}</td><td class="num muted">${x(counts)}</td></tr>`;
  });
  return `<section class="card"><h2>Checks</h2><table><thead><tr><th class="fit">Status</th><th class="fit">Check</th><th>Summary</th><th class="num">Cases</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function cases(check: CheckSummary): string {
  if (!check.cases?.length) return '';
  const sorted = sortCases(check.cases);
  const row = (k: NonNullable<CheckSummary['cases']>[number]) =>
    `<tr><td class="fit">${pill(k.status)}</td><td class="fit muted">${x(caseKind(k))}</td><td class="case mono" title="${x(k.id)}">${x(k.name)}</td><td class="num">${k.failures ?? ''}</td><td class="num">${formatDuration(k.durationMs)}</td><td class="msg">${k.message ? `<pre>${x(k.message)}</pre>` : ''}</td></tr>`;
  const problems = sorted.filter(isProblem);
  const passing = sorted.filter((k) => !isProblem(k));
  const table = (rows: typeof sorted) => `<table><thead><tr><th class="fit">Status</th><th class="fit">Type</th><th>Name</th><th class="num">Failures</th><th class="num">Time</th><th>Message</th></tr></thead><tbody>${rows.map(row).join('')}</tbody></table>`;
  return `<section class="card"><h2>${x(check.name)} · ${check.cases.length} cases</h2>
${problems.length ? `<details open><summary>${problems.length} not passing</summary>${table(problems)}</details>` : ''}
${passing.length ? `<details${problems.length ? '' : ' open'}><summary>${passing.length} passing</summary>${table(passing)}</details>` : ''}</section>`;
}

function plan(record: RunRecord): string {
  if (!record.plan?.length) return '';
  const items = record.plan.map(
    (p) => `<li><strong>${x(p.step)}</strong>${p.items.length ? `<ul>${p.items.map((i) => `<li>${x(i.action)} <code>${x(i.target)}</code>${i.detail ? ` <span class="muted">— ${x(i.detail)}</span>` : ''}</li>`).join('')}</ul>` : ' <span class="muted">— nothing to do</span>'}</li>`,
  );
  return `<section class="card"><h2>Plan <span class="muted">(dry run: nothing was changed)</span></h2><ol class="plan">${items.join('')}</ol></section>`;
}

export function renderHtml(opts: { record: RunRecord }): string {
  const { record } = opts;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${x(`dataship ${record.job}${record.env ? ` ${record.env}` : ''}: ${record.dryRun ? 'dry run' : record.verdict}`)}</title>
<style>${HTML_STYLE}</style></head>
<body><main>
${header(record)}
${release(record)}
${timeline(record)}
${steps(record)}
${checks(record)}
${record.checks.map(cases).join('\n')}
${plan(record)}
<footer>dataship · run record v${record.schemaVersion} · finished ${x(record.finishedAt)}</footer>
</main></body></html>
`;
}
