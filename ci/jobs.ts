/**
 * Each command and CI job as a list of steps. This file is the pipeline's definition in one place;
 * the scripts in scripts/ and the CLI both come here.
 */
import { environmentOf } from './adapters/factory.js';
import { DataShipError } from './core/errors.js';
import type { RunContext, Step } from './core/types.js';
import { steps as s } from './steps/catalogue.js';
import { releaseById, targetEnv } from './steps/resolve-release.js';

export const JOBS = ['push-to-deploy', 'pr-check', 'nightly', 'promote', 'rollback'] as const;
export type JobName = (typeof JOBS)[number];

export interface JobOptions {
  env?: string;
  releaseId?: string;
  toReleaseId?: string;
}

/** Sets the run's release to what an environment runs now. */
const currentOfEnv = (opts: { releaseId?: string }): Step => {
  const resolve: Step['run'] = async (ctx) => {
    const env = targetEnv(ctx);
    const id = opts.releaseId ?? (await ctx.adapters.pointers.current(env))?.releaseId;
    if (!id) throw new DataShipError({ code: 'ENOTFOUND', message: `${env} runs no release yet`, hint: `dataship deploy --env ${env}` });
    ctx.state.release = await releaseById({ ctx, id });
    return { status: 'unchanged', summary: `${env} runs ${id}` };
  };
  return { name: 'resolve', plan: async (ctx) => { await resolve(ctx); return []; }, run: resolve };
};

/** Deploy to an environment: image tag, DAG bundle, pointer, then dbt build+test there. */
const deploySteps = (): Step[] => [s.imageTag, s.syncDags, s.pointer('deploy'), s.test()];

/** Promotion: gate, blue/green warehouse build and swap, then the image tag, DAGs and pointer. */
const promoteSteps = (opts: JobOptions): Step[] => [
  s.resolvePromotion({ releaseId: opts.releaseId }),
  s.gate({ mode: 'enforce' }),
  s.warehouseNext,
  s.test({ in: 'next' }),
  s.warehouseSwap(),
  s.imageTag,
  s.syncDags,
  s.pointer('promote'),
];

/** Rollback: every layer back to the earlier release; blue/green environments swap back. */
const rollbackSteps = (opts: JobOptions, ctx: RunContext): Step[] => {
  const blueGreen = Boolean(environmentOf({ config: ctx.config, env: targetEnv(ctx) }).promoteFrom);
  return [
    s.resolveRollback({ toReleaseId: opts.toReleaseId }),
    ...(blueGreen ? [s.warehouseSwap({ onlyIfNextExists: true })] : []),
    s.imageTag,
    s.activateDags,
    s.pointer('rollback'),
  ];
};

function refuseProtected(ctx: RunContext): void {
  const env = targetEnv(ctx);
  if (environmentOf({ config: ctx.config, env }).protected) {
    throw new DataShipError({ code: 'EUSAGE', message: `${env} is protected: releases reach it only through the gate`, hint: `dataship promote --to ${env}` });
  }
}

/** The steps of a command (without the report step, which the runner adds). */
export async function stepsFor(opts: { command: string; job?: JobName; options: JobOptions; ctx: RunContext }): Promise<Step[]> {
  const { ctx, options } = opts;
  switch (opts.command) {
    case 'validate':
      return [await s.validate()];
    case 'build':
      return [s.build];
    case 'deploy':
      refuseProtected(ctx);
      return [s.build, ...deploySteps()];
    case 'sync-dags':
      refuseProtected(ctx);
      return [s.build, s.syncDags];
    case 'test':
      return [currentOfEnv({ releaseId: options.releaseId }), s.test()];
    case 'gate':
      return [currentOfEnv({ releaseId: options.releaseId }), s.gate({ mode: 'enforce', from: 'self' })];
    case 'promote':
      return promoteSteps(options);
    case 'rollback':
      return rollbackSteps(options, ctx);
    case 'run':
      switch (opts.job) {
        case 'push-to-deploy':
          return [await s.validate(), s.build, ...deploySteps(), s.gate({ mode: 'evaluate' })];
        case 'pr-check':
          return [await s.validate(), s.build, s.warehousePreview, s.test({ in: 'preview' })];
        case 'nightly':
          return [await s.validate(), s.build, currentOfEnv({}), s.test()];
        case 'promote':
          return promoteSteps(options);
        case 'rollback':
          return rollbackSteps(options, ctx);
      }
  }
  throw new DataShipError({ code: 'EUSAGE', message: `unknown command ${opts.command}${opts.job ? ` ${opts.job}` : ''}` });
}

/** The environment a job acts on when none is given. */
export function defaultEnvFor(opts: { command: string; job?: JobName }): string | undefined {
  if (opts.command !== 'run') return undefined;
  if (opts.job === 'promote' || opts.job === 'rollback') return 'prod';
  return 'dev';
}
