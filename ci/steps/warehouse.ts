/**
 * Blue/green warehouse steps for promotion: clone `<DB>` into `<DB>_NEXT`, build and test there
 * (the test step), then `SWAP`. Rollback swaps back.
 */
import { environmentOf } from '../adapters/factory.js';
import { previewNumber } from '../core/previews.js';
import type { RunContext, Step } from '../core/types.js';
import { targetEnv } from './resolve-release.js';

export const nextDatabase = (ctx: RunContext) => `${environmentOf({ config: ctx.config, env: targetEnv(ctx) }).warehouse.database}_NEXT`;
/** A pull request's own database, `CI_PR_<n>` (`CI_LOCAL` for a run outside a pull request). */
export const previewDatabase = (ctx: RunContext) => {
  const pr = previewNumber({ pattern: ctx.config.previews?.pattern, env: targetEnv(ctx) });
  return pr === null ? 'CI_LOCAL' : `CI_PR_${pr}`;
};

/** The database promotions go to: the environment previews are cloned from (prod). */
const prodDatabase = (ctx: RunContext) => {
  const prod = Object.entries(ctx.config.environments).find(([, e]) => e.promoteFrom);
  return (prod?.[1] ?? environmentOf({ config: ctx.config, env: targetEnv(ctx) })).warehouse.database;
};

/** Zero-copy clone of prod for a pull request; tests then run in it. */
export const warehousePreviewStep: Step = {
  name: 'warehouse-preview',
  async plan(ctx) {
    return [{ action: 'clone', target: `${prodDatabase(ctx)} → ${previewDatabase(ctx)}`, detail: 'the pull request\'s own warehouse' }];
  },
  async run(ctx) {
    const r = await ctx.adapters.warehouse(targetEnv(ctx)).clone({ from: prodDatabase(ctx), to: previewDatabase(ctx) });
    return { status: r.status, summary: r.summary };
  },
};

const liveDatabase = (ctx: RunContext) => environmentOf({ config: ctx.config, env: targetEnv(ctx) }).warehouse.database;

export const warehouseNextStep: Step = {
  name: 'warehouse-next',
  async plan(ctx) {
    return [{ action: 'clone', target: `${liveDatabase(ctx)} → ${nextDatabase(ctx)}`, detail: 'zero-copy clone for a blue/green build' }];
  },
  async run(ctx) {
    if (ctx.state.alreadyCurrent) return { status: 'unchanged', summary: `${targetEnv(ctx)} already runs ${ctx.state.release?.id}` };
    const r = await ctx.adapters.warehouse(targetEnv(ctx)).clone({ from: liveDatabase(ctx), to: nextDatabase(ctx) });
    return { status: r.status, summary: r.summary };
  },
};

export const warehouseSwapStep = (opts: { name: string; when?: (ctx: RunContext) => Promise<boolean> }): Step => ({
  name: opts.name,
  async plan(ctx) {
    return [{ action: 'swap', target: `${liveDatabase(ctx)} ⇄ ${nextDatabase(ctx)}` }];
  },
  async run(ctx) {
    if (ctx.state.alreadyCurrent) return { status: 'unchanged', summary: `${targetEnv(ctx)} already runs ${ctx.state.release?.id}` };
    const wh = ctx.adapters.warehouse(targetEnv(ctx));
    if (opts.when && !(await opts.when(ctx))) return { status: 'skipped', reason: `${nextDatabase(ctx)} does not exist: nothing to swap back to` };
    const r = await wh.swap({ a: liveDatabase(ctx), b: nextDatabase(ctx) });
    return { status: r.status, summary: r.summary };
  },
});
