/**
 * The pipeline engine: runs steps in order over one context. A failure becomes a result and the run
 * goes on to report it: later steps are skipped with the reason, `always` steps (report) still run.
 * In a dry run every step only plans.
 */
import { toDataShipError } from './errors.js';
import type { PlanItem, RunContext, Step, StepResult } from './types.js';

export interface EngineHooks {
  onStepStart?(step: Step): void;
  onStepEnd?(result: StepResult): void;
}

export interface EngineResult {
  results: StepResult[];
  plan: Array<{ step: string; items: PlanItem[] }>;
}

export async function runSteps(opts: { steps: Step[]; ctx: RunContext; hooks?: EngineHooks; now?: () => number }): Promise<EngineResult> {
  const now = opts.now ?? Date.now;
  const { ctx } = opts;
  const plan: EngineResult['plan'] = [];
  let failedStep: string | undefined;
  for (const step of opts.steps) {
    const started = now();
    const startedAt = new Date(started).toISOString();
    let result: StepResult;
    if (failedStep && !step.always) {
      result = { name: step.name, status: 'skipped', reason: `not run: step ${failedStep} failed`, startedAt, durationMs: 0 };
    } else {
      opts.hooks?.onStepStart?.(step);
      try {
        if (ctx.dryRun) {
          const items = await step.plan(ctx);
          plan.push({ step: step.name, items });
          result = { name: step.name, status: 'skipped', reason: 'dry run: planned only', startedAt, durationMs: now() - started, details: { plan: items } };
        } else {
          // Each step's own output sits in a group (GitHub) or under a header (terminal, Jenkins).
          const outcome = ctx.logger ? await ctx.logger.group(step.name, () => step.run(ctx)) : await step.run(ctx);
          result =
            outcome.status === 'skipped'
              ? { name: step.name, status: 'skipped', reason: outcome.reason, details: outcome.details, startedAt, durationMs: now() - started }
              : { name: step.name, status: outcome.status, summary: outcome.summary, details: outcome.details, startedAt, durationMs: now() - started };
        }
      } catch (err) {
        const e = toDataShipError(err, { code: 'EINTERNAL', step: step.name });
        result = { name: step.name, status: 'failed', summary: e.message, startedAt, durationMs: now() - started, error: e.toJSON() };
        failedStep ??= step.name;
      }
    }
    ctx.state.results.push(result);
    opts.hooks?.onStepEnd?.(result);
  }
  return { results: ctx.state.results, plan };
}
