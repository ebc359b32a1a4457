/**
 * The run record: what one pipeline run did, written to `.dataship/runs/<run-id>/result.json`.
 * Versioned; its JSON Schema is `schema/run-result.schema.json`. Bump `schemaVersion` on any
 * incompatible change.
 */
import type { Release } from './release.js';
import type { PlanItem, StepResult } from './types.js';

export const RUN_RECORD_SCHEMA_VERSION = 1;

/**
 * - `passed`: every step that ran succeeded and every required check ran and passed.
 * - `unverified`: nothing failed, but some check did not run (e.g. dbt not installed); never a pass.
 * - `failed`: a step failed or a check failed.
 */
export type Verdict = 'passed' | 'unverified' | 'failed';

export interface CheckSummary {
  name: string;
  status: 'pass' | 'fail' | 'warn' | 'error' | 'skipped';
  summary: string;
  /** Test-level results, e.g. dbt tests. */
  cases?: Array<{ id: string; name: string; status: string; message?: string; durationMs?: number; failures?: number | null }>;
}

export interface RunRecord {
  schemaVersion: typeof RUN_RECORD_SCHEMA_VERSION;
  runId: string;
  job: string;
  command: string;
  env?: string;
  actor: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  verdict: Verdict;
  /** One sentence a person reads first. */
  headline: string;
  release?: Pick<Release, 'id' | 'gitSha' | 'image' | 'dags' | 'dbt'>;
  steps: StepResult[];
  checks: CheckSummary[];
  plan?: Array<{ step: string; items: PlanItem[] }>;
  host: { ci: 'github' | 'jenkins' | 'terminal'; url?: string };
}

/** Derives the verdict from step results and checks. Pure. */
export function verdictOf(opts: { steps: StepResult[]; checks: CheckSummary[] }): Verdict {
  if (opts.steps.some((s) => s.status === 'failed')) return 'failed';
  if (opts.checks.some((c) => c.status === 'fail' || c.status === 'error')) return 'failed';
  if (opts.checks.some((c) => c.status === 'skipped')) return 'unverified';
  return 'passed';
}

/** Assembles the record of a run from its state. Pure. */
export function buildRunRecord(
  opts: Pick<RunRecord, 'runId' | 'job' | 'command' | 'env' | 'actor' | 'dryRun' | 'steps' | 'checks' | 'plan' | 'host'> & {
    startedAt: Date;
    finishedAt: Date;
    release?: Release;
  },
): RunRecord {
  const verdict = opts.dryRun ? 'unverified' : verdictOf({ steps: opts.steps, checks: opts.checks });
  const failed = opts.steps.find((s) => s.status === 'failed');
  const skippedChecks = opts.checks.filter((c) => c.status === 'skipped');
  const target = opts.env ? ` ${opts.env}` : '';
  let headline: string;
  if (opts.dryRun) headline = `dry run of ${opts.job}${target}: nothing was changed`;
  else if (failed) headline = `${opts.job}${target} failed at ${failed.name}: ${failed.error?.message ?? failed.summary ?? ''}`;
  else if (verdict === 'failed') headline = `${opts.job}${target} ran; checks failed: ${opts.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => `${c.name} (${c.summary})`).join(', ')}`;
  else if (verdict === 'unverified') headline = `${opts.job}${target} completed, but not every check ran: ${skippedChecks.map((c) => `${c.name}: ${c.summary}`).join('; ')}`;
  else headline = `${opts.job}${target} passed`;
  const r = opts.release;
  return {
    schemaVersion: RUN_RECORD_SCHEMA_VERSION,
    runId: opts.runId,
    job: opts.job,
    command: opts.command,
    env: opts.env,
    actor: opts.actor,
    dryRun: opts.dryRun,
    startedAt: opts.startedAt.toISOString(),
    finishedAt: opts.finishedAt.toISOString(),
    durationMs: opts.finishedAt.getTime() - opts.startedAt.getTime(),
    verdict,
    headline,
    release: r ? { id: r.id, gitSha: r.gitSha, image: r.image, dags: r.dags, dbt: r.dbt } : undefined,
    steps: opts.steps,
    checks: opts.checks,
    plan: opts.plan?.length ? opts.plan : undefined,
    host: opts.host,
  };
}
