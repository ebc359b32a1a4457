/**
 * What every report renderer shares: durations, status vocabularies, case ordering and escaping.
 * Pure.
 */
import type { CheckSummary, RunRecord } from '../run-record.js';

export type Case = NonNullable<CheckSummary['cases']>[number];

/** `340 ms`, `4.2 s`, `3m 05s`, `1h 02m`. */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** How a status reads: its tone decides colours and symbols everywhere. */
export type Tone = 'ok' | 'neutral' | 'warn' | 'bad' | 'skip';

export function toneOf(status: string): Tone {
  switch (status) {
    case 'changed':
    case 'pass':
    case 'passed':
    case 'success':
      return 'ok';
    case 'unchanged':
    case 'no-op':
      return 'neutral';
    case 'warn':
    case 'unverified':
    case 'partial success':
      return 'warn';
    case 'failed':
    case 'fail':
    case 'error':
    case 'runtime error':
      return 'bad';
    case 'skipped':
      return 'skip';
    default:
      return 'neutral';
  }
}

export const SYMBOL: Record<Tone, string> = { ok: '✔', neutral: '●', warn: '▲', bad: '✖', skip: '○' };
export const EMOJI: Record<Tone, string> = { ok: '✅', neutral: '➖', warn: '⚠️', bad: '❌', skip: '⏭️' };

const CASE_ORDER: Record<string, number> = { error: 0, 'runtime error': 0, fail: 1, warn: 2, 'partial success': 2, skipped: 3 };

/** Cases worst first (error, fail, warn, skipped, then the rest), stable within a status. */
export function sortCases(cases: Case[]): Case[] {
  return cases
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (CASE_ORDER[a.c.status] ?? 9) - (CASE_ORDER[b.c.status] ?? 9) || a.i - b.i)
    .map(({ c }) => c);
}

export const isProblem = (c: Case) => (CASE_ORDER[c.status] ?? 9) < 9;

/** `test.pkg.name.hash` → `test`. */
export const caseKind = (c: Case) => c.id.split('.')[0] || 'case';

/** The text a step shows: its summary, its skip reason, or its error. */
export function stepText(step: RunRecord['steps'][number]): string {
  if (step.status === 'failed' && step.error) return `${step.error.code ?? ''}${step.error.code ? ': ' : ''}${step.error.message ?? ''}`.trim() || step.summary || 'failed';
  return step.summary ?? step.reason ?? '';
}

/** Removes terminal colour codes and characters XML and HTML cannot carry. */
export function clean(text: unknown): string {
  return String(text ?? '')
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/XML element content and attribute values alike. */
export function escapeMarkup(text: unknown): string {
  return clean(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Shortens to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** Milliseconds from the run start to an ISO timestamp, or 0 when either is not a date. */
export function offsetMs(runStart: string, at: string): number {
  const a = Date.parse(runStart);
  const b = Date.parse(at);
  return Number.isFinite(a) && Number.isFinite(b) ? Math.max(0, b - a) : 0;
}
