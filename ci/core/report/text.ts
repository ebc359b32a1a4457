/**
 * The terminal summary of a run: verdict and headline, one line per step (symbol, name, status,
 * summary, duration right-aligned), checks with their failing cases, and the plan of a dry run.
 * Colour only when asked (the caller honours NO_COLOR and TTY detection). Pure.
 */
import type { RunRecord } from '../run-record.js';
import { shortDigest } from '../release.js';
import { SYMBOL, type Tone, clean, formatDuration, isProblem, sortCases, stepText, toneOf, truncate } from './format.js';

const WIDTH = 100;
const MAX_CASES = 10;
const ANSI: Record<Tone | 'dim' | 'bold', string> = { ok: '32', neutral: '90', warn: '33', bad: '31', skip: '33', dim: '2', bold: '1' };

export function renderText(opts: { record: RunRecord; color: boolean }): string {
  const { record } = opts;
  const paint = (style: keyof typeof ANSI, s: string) => (opts.color && s ? `\x1b[${ANSI[style]}m${s}\x1b[0m` : s);
  const one = (s: unknown) => clean(s).replace(/\s*\n\s*/g, ' ').trim();
  const lines: string[] = [];

  const vTone = toneOf(record.verdict);
  const where = [record.job, record.env, record.dryRun ? 'dry run' : undefined].filter(Boolean).join(' · ');
  lines.push(paint('dim', `dataship · ${where} · run ${record.runId}`));
  lines.push(`${paint(vTone, `${SYMBOL[vTone]} ${record.verdict.toUpperCase()}`)}  ${paint('bold', one(record.headline))}`);
  if (record.release) {
    const r = record.release;
    lines.push(paint('dim', `release ${r.id} · git ${r.gitSha.slice(0, 12)} · image ${shortDigest(r.image.digest)} · dags ${shortDigest(r.dags.bundleDigest)} · dbt ${shortDigest(r.dbt.projectDigest)}`));
  }

  if (record.steps.length) {
    lines.push('', paint('bold', 'Steps'));
    const nameW = Math.min(24, Math.max(...record.steps.map((s) => s.name.length)));
    for (const s of record.steps) {
      const tone = toneOf(s.status);
      const dur = formatDuration(s.durationMs);
      const head = `  ${SYMBOL[tone]} ${truncate(s.name, nameW).padEnd(nameW)}  ${s.status.padEnd(9)}  `;
      const room = Math.max(10, WIDTH - head.length - dur.length - 2);
      const text = truncate(one(stepText(s)), room);
      const pad = ' '.repeat(Math.max(2, WIDTH - head.length - text.length - dur.length));
      lines.push(`${paint(tone, head.slice(0, 4))}${head.slice(4, 4 + nameW)}  ${paint(tone, s.status.padEnd(9))}  ${text}${pad}${paint('dim', dur)}`);
      if (s.status === 'failed' && s.error?.hint) lines.push(`      ${paint('dim', `hint: ${truncate(one(s.error.hint), WIDTH - 12)}`)}`);
    }
  }

  if (record.checks.length) {
    lines.push('', paint('bold', 'Checks'));
    const nameW = Math.min(24, Math.max(...record.checks.map((c) => c.name.length)));
    for (const c of record.checks) {
      const tone = toneOf(c.status);
      lines.push(`  ${paint(tone, SYMBOL[tone])} ${c.name.padEnd(nameW)}  ${paint(tone, c.status.padEnd(9))}  ${truncate(one(c.summary), WIDTH - nameW - 16)}`);
      const problems = sortCases((c.cases ?? []).filter(isProblem));
      for (const k of problems.slice(0, MAX_CASES)) {
        const kt = toneOf(k.status);
        const detail = k.message ? `: ${one(k.message)}` : '';
        lines.push(`      ${paint(kt, `${SYMBOL[kt]} ${k.status}`)} ${truncate(`${k.name}${detail}`, WIDTH - 16 - k.status.length)}`);
      }
      if (problems.length > MAX_CASES) lines.push(`      ${paint('dim', `… and ${problems.length - MAX_CASES} more (see the HTML report or junit.xml)`)}`);
    }
  }

  if (record.plan?.length) {
    lines.push('', paint('bold', 'Plan (dry run: nothing was changed)'));
    for (const p of record.plan) {
      lines.push(`  ${p.step}`);
      for (const i of p.items) lines.push(`    → ${one(i.action)} ${one(i.target)}${i.detail ? paint('dim', ` (${one(i.detail)})`) : ''}`);
      if (!p.items.length) lines.push(`    ${paint('dim', 'nothing to do')}`);
    }
  }

  lines.push('', `${paint('dim', `total ${formatDuration(record.durationMs)} ·`)} verdict ${paint(vTone, record.verdict)}${record.host.url ? paint('dim', ` · ${record.host.url}`) : ''}`);
  return `${lines.join('\n')}\n`;
}
