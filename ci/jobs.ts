/**
 * Each command and CI job as a list of steps. This file is the pipeline's definition in one place;
 * the scripts in scripts/ and the CLI both come here.
 */
import { environmentOf } from './adapters/factory.js';
import { DataShipError } from './core/errors.js';
import type { RunContext, Step } from './core/types.js';
import { buildStep } from './steps/build.js';
import { imageTagStep, pointerStep, syncDagsStep } from './steps/deploy-layers.js';
import { gateStep, promotionSource } from './steps/gate.js';
import { activateDagsStep, resolvePromotionStep, resolveRollbackStep } from './steps/promote-rollback.js';
import { releaseById, targetEnv } from './steps/resolve-release.js';
import { dbtTestStep } from './steps/test.js';
import { cachedStep } from './steps/validate-cached.js';
import { nextDatabase, warehouseNextStep, warehouseSwapStep } from './steps/warehouse.js';

export const JOBS = ['push-to-deploy', 'pr-check', 'nightly', 'promote', 'rollback'] as const;
export type JobName = (typeof JOBS)[number];

export interface JobOptions {
  env?: string;
  releaseId?: string;
  toReleaseId?: string;
}

async function validateStep(): Promise<Step> {
  const mod = await import('./steps/validate.js');
  return cachedStep({ step: mod.validateStep, version: 'v1' });
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

const deploySteps = (): Step[] => [imageTagStep, syncDagsStep, pointerStep('deploy'), dbtTestStep()];

const promoteSteps = (opts: JobOptions): Step[] => [
  resolvePromotionStep({ releaseId: opts.releaseId }),
  gateStep({ mode: 'enforce', source: promotionSource }),
  warehouseNextStep,
  dbtTestStep({ name: 'test', database: nextDatabase }),
  warehouseSwapStep({ name: 'warehouse-swap' }),
  imageTagStep,
  syncDagsStep,
  pointerStep('promote'),
];

const rollbackSteps = (opts: JobOptions, ctx: RunContext): Step[] => {
  const env = targetEnv(ctx);
  const blueGreen = Boolean(environmentOf({ config: ctx.config, env }).promoteFrom);
  return [
    resolveRollbackStep({ toReleaseId: opts.toReleaseId }),
    ...(blueGreen
      ? [warehouseSwapStep({ name: 'warehouse-swap', when: (c: RunContext) => c.adapters.warehouse(targetEnv(c)).exists({ name: nextDatabase(c) }) })]
      : []),
    imageTagStep,
    activateDagsStep,
    pointerStep('rollback'),
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
      return [await validateStep()];
    case 'build':
      return [buildStep];
    case 'deploy':
      refuseProtected(ctx);
      return [buildStep, ...deploySteps()];
    case 'sync-dags':
      refuseProtected(ctx);
      return [buildStep, syncDagsStep];
    case 'test':
      return [currentOfEnv({ releaseId: options.releaseId }), dbtTestStep()];
    case 'gate':
      return [currentOfEnv({ releaseId: options.releaseId }), gateStep({ mode: 'enforce', source: (c) => targetEnv(c) })];
    case 'promote':
      return promoteSteps(options);
    case 'rollback':
      return rollbackSteps(options, ctx);
    case 'run':
      switch (opts.job) {
        case 'push-to-deploy':
          return [await validateStep(), buildStep, ...deploySteps(), gateStep({ mode: 'evaluate', source: (c) => targetEnv(c) })];
        case 'pr-check':
          return [await validateStep(), buildStep, warehouseNextStep, dbtTestStep({ name: 'test', database: nextDatabase })];
        case 'nightly':
          return [await validateStep(), buildStep, currentOfEnv({}), dbtTestStep()];
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
