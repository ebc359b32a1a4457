/**
 * The first step of `promote` and `rollback`: decide which release the environment moves to and
 * whether it already runs it. Later steps act on `ctx.state.release`.
 */
import { environmentOf } from '../adapters/factory.js';
import { DataShipError, isDataShipError } from '../core/errors.js';
import type { Step } from '../core/types.js';
import { sourceEnvOf } from './gate.js';
import { releaseById, targetEnv } from './resolve-release.js';

export const resolvePromotionStep = (opts: { releaseId?: string }): Step => {
  const resolve: Step['run'] = async (ctx) => {
    const env = targetEnv(ctx);
    const source = sourceEnvOf(ctx, env);
    let id = opts.releaseId;
    if (!id) {
      const ptr = await ctx.adapters.pointers.current(source);
      if (!ptr) throw new DataShipError({ code: 'ENOTFOUND', message: `${source} runs no release yet: nothing to promote`, hint: `deploy to ${source} first: dataship deploy --env ${source}` });
      id = ptr.releaseId;
    }
    ctx.state.release = await releaseById({ ctx, id });
    const current = await ctx.adapters.pointers.current(env);
    ctx.state.alreadyCurrent = current?.releaseId === id;
    return ctx.state.alreadyCurrent
      ? { status: 'unchanged', summary: `${env} already runs ${id}` }
      : { status: 'changed', summary: `promoting ${id} from ${source} to ${env} (now ${current?.releaseId ?? 'nothing'})` };
  };
  return { name: 'resolve', plan: async (ctx) => { await resolve(ctx); return [{ action: 'promote', target: `${ctx.state.release?.id} → ${targetEnv(ctx)}` }]; }, run: resolve };
};

export const resolveRollbackStep = (opts: { toReleaseId?: string }): Step => {
  const resolve: Step['run'] = async (ctx) => {
    const env = targetEnv(ctx);
    const current = await ctx.adapters.pointers.current(env);
    if (!current) throw new DataShipError({ code: 'ENOTFOUND', message: `${env} runs no release: nothing to roll back`, hint: 'dataship status' });
    const id = opts.toReleaseId ?? current.previousReleaseId;
    if (!id) throw new DataShipError({ code: 'ENOTFOUND', message: `${env} has no earlier release to roll back to`, hint: `history: dataship status --env ${env}` });
    if (id === current.releaseId) throw new DataShipError({ code: 'EUSAGE', message: `${env} already runs ${id}` });
    ctx.state.release = await releaseById({ ctx, id });
    return { status: 'changed', summary: `rolling ${env} back from ${current.releaseId} to ${id}` };
  };
  return { name: 'resolve', plan: async (ctx) => { await resolve(ctx); return [{ action: 'rollback', target: `${targetEnv(ctx)} → ${ctx.state.release?.id}` }]; }, run: resolve };
};

/** Rollback of the DAG layer: switch `current` back when the bundle is still on the host. */
export const activateDagsStep: Step = {
  name: 'sync-dags',
  async plan(ctx) {
    return [{ action: 'activate', target: `DAG bundle ${ctx.state.release?.dags.bundleDigest}` }];
  },
  async run(ctx) {
    const host = ctx.adapters.dagHost(targetEnv(ctx));
    const digest = ctx.state.release!.dags.bundleDigest;
    if ((await host.currentDigest()) === digest) return { status: 'unchanged', summary: `already on ${digest}` };
    try {
      const r = await host.activate({ bundleDigest: digest });
      return { status: r.status, summary: r.summary, details: r.details };
    } catch (err) {
      // The release was pruned from the host or failed verification: ship its bundle again.
      if (!isDataShipError(err) || err.code !== 'EHOST') throw err;
      ctx.logger.warn(`cannot switch back in place (${err.message}); deploying the bundle again`);
      const keep = environmentOf({ config: ctx.config, env: targetEnv(ctx) }).airflowHost.keep ?? 5;
      const r = await host.deploy({ bundle: await ctx.adapters.bundles.fetch({ digest }), keep });
      return { status: r.status, summary: `${r.summary} (redeployed)`, details: r.details };
    }
  },
};
