import { describe, expect, it } from 'vitest';
import { buildRunRecord, verdictOf } from './run-record.js';
import type { StepResult } from './types.js';

const step = (name: string, status: StepResult['status'], extra: Partial<StepResult> = {}): StepResult => ({ name, status, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, ...extra });

describe('verdict', () => {
  it('is failed when a step failed or a check failed, unverified when a check was skipped, passed otherwise', () => {
    expect(verdictOf({ steps: [step('a', 'changed')], checks: [{ name: 'dbt-tests', status: 'pass', summary: '' }] })).toBe('passed');
    expect(verdictOf({ steps: [step('a', 'failed')], checks: [] })).toBe('failed');
    expect(verdictOf({ steps: [step('a', 'changed')], checks: [{ name: 'dbt-tests', status: 'fail', summary: '' }] })).toBe('failed');
    expect(verdictOf({ steps: [step('a', 'changed')], checks: [{ name: 'dbt-tests', status: 'skipped', summary: '' }] })).toBe('unverified');
    expect(verdictOf({ steps: [step('a', 'changed')], checks: [{ name: 'dbt-tests', status: 'warn', summary: '' }] })).toBe('passed');
  });

  it('says plainly in the headline that tests did not run', () => {
    const r = buildRunRecord({
      runId: '20260101T000000Z-abcdef', job: 'push-to-deploy', command: 'run', env: 'dev', actor: 'a', dryRun: false,
      startedAt: new Date(0), finishedAt: new Date(1500), steps: [step('test', 'skipped', { reason: 'dbt is not installed' })],
      checks: [{ name: 'dbt-tests', status: 'skipped', summary: 'tests did not run: dbt is not installed (pip install dbt-duckdb)' }], host: { ci: 'terminal' },
    });
    expect(r.verdict).toBe('unverified');
    expect(r.headline).toBe('push-to-deploy dev completed, but not every check ran: dbt-tests: tests did not run: dbt is not installed (pip install dbt-duckdb)');
    expect(r.durationMs).toBe(1500);
  });

  it('names the failed step and its error', () => {
    const r = buildRunRecord({
      runId: 'x', job: 'promote', command: 'promote', env: 'prod', actor: 'a', dryRun: false, startedAt: new Date(0), finishedAt: new Date(1),
      steps: [step('gate', 'failed', { error: { code: 'EGATE', kind: 'verdict', message: 'gate refused r-1' } as never })], checks: [], host: { ci: 'terminal' },
    });
    expect(r.headline).toBe('promote prod failed at gate: gate refused r-1');
  });
});
