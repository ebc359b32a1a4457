/**
 * `report`: always runs. Writes the run record (`result.json`), JUnit XML and the HTML report under
 * `.dataship/runs/<run-id>/`, prints the summary for the host, and writes the GitHub step summary.
 * Every byte passes the redactor. A dry run writes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { detectCiHost, runUrl } from '../adapters/ci-host/detect.js';
import { statePaths } from '../adapters/state-paths.js';
import { buildRunRecord, type CheckSummary, type RunRecord } from '../core/run-record.js';
import type { RunContext, Step } from '../core/types.js';

export interface ReportOptions {
  command: string;
  startedAt: Date;
  plan?: () => RunRecord['plan'];
  /** Receives the record (the CLI prints it with --json or as the terminal summary). */
  onRecord?: (record: RunRecord) => void;
}

export function recordOf(ctx: RunContext, opts: ReportOptions, self?: { startedAt: string; started: number }): RunRecord {
  const steps = [...ctx.state.results];
  if (self) steps.push({ name: 'report', status: 'unchanged', summary: 'run record and reports written', startedAt: self.startedAt, durationMs: Date.now() - self.started });
  return buildRunRecord({
    runId: ctx.runId,
    job: ctx.job,
    command: opts.command,
    env: ctx.state.env,
    actor: ctx.actor,
    dryRun: ctx.dryRun,
    startedAt: opts.startedAt,
    finishedAt: new Date(),
    steps,
    checks: (ctx.state.facts.checks as CheckSummary[] | undefined) ?? [],
    release: ctx.state.release,
    plan: opts.plan?.(),
    host: { ci: detectCiHost(ctx.env), url: runUrl(ctx.env) },
  });
}

export function reportStep(opts: ReportOptions): Step {
  return {
    name: 'report',
    always: true,
    async plan(ctx) {
      opts.onRecord?.(recordOf(ctx, opts));
      return [{ action: 'print', target: 'run summary', detail: 'a dry run writes no files' }];
    },
    async run(ctx) {
      const started = Date.now();
      const startedAt = new Date(started).toISOString();
      const record = ctx.redactor.redactValue(recordOf(ctx, opts, { startedAt, started }));
      const dir = statePaths({ cwd: ctx.cwd }).run(ctx.runId);
      await mkdir(dir, { recursive: true });
      const { renderJunit, renderHtml, renderMarkdown } = await import('../core/report/index.js');
      const out = (name: string, text: string) => writeFile(join(dir, name), ctx.redactor.redact(text));
      const markdown = renderMarkdown({ record });
      await Promise.all([
        out('result.json', `${JSON.stringify(record, null, 2)}\n`),
        out('junit.xml', renderJunit({ record })),
        out('report.html', renderHtml({ record })),
        out('summary.md', markdown),
      ]);
      if (ctx.env.GITHUB_STEP_SUMMARY) {
        const { appendFile } = await import('node:fs/promises');
        await appendFile(ctx.env.GITHUB_STEP_SUMMARY, ctx.redactor.redact(markdown));
      }
      const { sendNotifications } = await import('./notify.js');
      const deliveries = await sendNotifications({ ctx, record });
      opts.onRecord?.(record);
      const sent = deliveries.filter((d) => d.status === 'sent');
      const notes = deliveries.map((d) => `${d.channel}: ${d.status}${d.status === 'sent' ? '' : ` (${d.detail})`}`);
      return {
        status: sent.length ? 'changed' : 'unchanged',
        summary: `reports in ${relative(ctx.cwd, dir)}/ (result.json, junit.xml, report.html)${notes.length ? `; ${notes.join(', ')}` : ''}`,
        details: { dir, deliveries },
      };
    },
  };
}
