/**
 * Blue/green warehouse steps for promotion: clone `<DB>` into `<DB>_NEXT`, build and test there
 * (the test step), then `SWAP`. Rollback swaps back.
 */
import { environmentOf } from '../adapters/factory.js';
import type { RunContext, Step } from '../core/types.js';
import { targetEnv } from './resolve-release.js';

export const nextDatabase = (ctx: RunContext) => `${environmentOf({ config: ctx.config, env: targetEnv(ctx) }).warehouse.database}_NEXT`;
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
