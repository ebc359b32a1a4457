/**
 * Markdown for the GitHub step summary and the PR comment. The first line is a hidden marker so the
 * comment can be found and updated; the whole text stays within GitHub's 65,536-character limit
 * for comments, dropping test cases (passing ones first) with a note when it must. Pure.
 */
import type { RunRecord } from '../run-record.js';
import { shortDigest } from '../release.js';
import { type Case, EMOJI, caseKind, clean, formatDuration, isProblem, sortCases, stepText, toneOf, truncate } from './format.js';

export const REPORT_MARKER = '<!-- dataship:report -->';
export const MARKDOWN_LIMIT = 65_536;

/** Text safe inside a table cell: no pipes, newlines or raw HTML. */
export function cell(text: unknown, max = 300): string {
  return truncate(clean(text).replace(/\s*\n\s*/g, ' ').trim(), max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
}

const code = (s: string | null | undefined) => (s ? `\`${s.replace(/`/g, "'")}\`` : '–');

export function renderMarkdown(opts: { record: RunRecord; limit?: number }): string {
  const { record } = opts;
  const limit = opts.limit ?? MARKDOWN_LIMIT;
  const head: string[] = [REPORT_MARKER];
  const vt = toneOf(record.verdict);
  const title = [record.job, record.env].filter(Boolean).join(' · ');
  head.push(`### ${EMOJI[vt]} ${cell(title, 200)} — ${record.dryRun ? 'dry run' : record.verdict}`, '', `> ${cell(record.headline, 1000)}`, '');

  if (record.release) {
    const r = record.release;
    head.push('| Release | Git | Image | Runtime | DAG bundle | dbt project |', '|---|---|---|---|---|---|');
    head.push(`| ${code(r.id)} | ${code(r.gitSha.slice(0, 12))} | ${code(shortDigest(r.image.digest))} | ${code(shortDigest(r.image.runtimeDigest))} | ${code(shortDigest(r.dags.bundleDigest))} (${r.dags.files} files) | ${code(shortDigest(r.dbt.projectDigest))} |`, '');
  }
  if (record.steps.length) {
    head.push('| | Step | Status | Duration | Summary |', '|---|---|---|--:|---|');
    for (const s of record.steps) head.push(`| ${EMOJI[toneOf(s.status)]} | ${cell(s.name, 60)} | ${s.status} | ${formatDuration(s.durationMs)} | ${cell(stepText(s))} |`);
    head.push('');
  }
  if (record.checks.length) {
    head.push('| | Check | Status | Summary |', '|---|---|---|---|');
    for (const c of record.checks) head.push(`| ${EMOJI[toneOf(c.status)]} | ${cell(c.name, 60)} | ${c.status} | ${cell(c.summary)} |`);
    head.push('');
  }
  if (record.plan?.length) {
    head.push('<details><summary>Plan (dry run: nothing was changed)</summary>', '');
    for (const p of record.plan) {
      head.push(`- **${cell(p.step, 60)}**${p.items.length ? '' : ' — nothing to do'}`);
      for (const i of p.items) head.push(`  - ${cell(i.action, 80)} ${code(clean(i.target).slice(0, 200))}${i.detail ? ` — ${cell(i.detail)}` : ''}`);
    }
    head.push('', '</details>', '');
  }
  const foot = ['', `<sub>run ${code(record.runId)} · ${cell(record.actor, 80)} · ${formatDuration(record.durationMs)}${record.host.url && /^https?:\/\//.test(record.host.url) ? ` · [logs](${record.host.url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})` : ''}</sub>`, ''];

  // Cases fill what room is left: problems first, then passing ones.
  let body = `${head.join('\n')}\n`;
  const footText = foot.join('\n');
  const room = () => limit - body.length - footText.length - 200;
  const dropped: Record<string, number> = {};
  for (const check of record.checks) {
    const cases = check.cases ?? [];
    if (!cases.length) continue;
    const problems = sortCases(cases.filter(isProblem));
    const passing = cases.filter((c) => !isProblem(c));
    const row = (c: Case) => `| ${EMOJI[toneOf(c.status)]} | ${caseKind(c)} | ${cell(c.name, 200)} | ${c.status} | ${c.failures ?? ''} | ${cell(c.message ?? '', 300)} |`;
    const table = (rows: Case[], summary: string, open: boolean) => {
      let shown = 0;
      let text = `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n| | Type | Name | Status | Failures | Message |\n|---|---|---|---|--:|---|\n`;
      if (room() < text.length + 20) return { text: '', shown };
      for (const c of rows) {
        const r = `${row(c)}\n`;
        if (room() < text.length + r.length + 20) break;
        text += r;
        shown++;
      }
      return { text: shown ? `${text}\n</details>\n\n` : '', shown };
    };
    for (const [rows, label, open] of [
      [problems, `${cell(check.name, 60)}: ${problems.length} not passing`, true],
      [passing, `${cell(check.name, 60)}: ${passing.length} passing`, false],
    ] as const) {
      if (!rows.length) continue;
      const t = table(rows, label, open);
      body += t.text;
      if (t.shown < rows.length) dropped[check.name] = (dropped[check.name] ?? 0) + rows.length - t.shown;
    }
  }
  const notes = Object.entries(dropped).map(([name, n]) => `> [!NOTE]\n> ${n} case${n === 1 ? '' : 's'} of ${cell(name, 60)} not shown here (GitHub limit of ${limit.toLocaleString('en-US')} characters); the HTML report and junit.xml have them all.\n`);
  let out = `${body}${notes.join('\n')}${footText}`;
  if (out.length > limit) out = `${out.slice(0, limit - 40)}\n\n_…truncated to fit GitHub's limit._\n`;
  return out;
}
