/**
 * Every library step, by name, for composing jobs: `ci/jobs.ts` (the CLI's `dataship run`) and the
 * zx scripts in scripts/ build their pipelines from these.
 */
import type { RunContext, Step } from '../core/types.js';
import { buildStep } from './build.js';
import { imageTagStep, pointerStep, syncDagsStep } from './deploy-layers.js';
import { gateStep, promotionSource } from './gate.js';
import { activateDagsStep, resolvePromotionStep, resolveRollbackStep } from './promote-rollback.js';
import { targetEnv } from './resolve-release.js';
import { dbtTestStep } from './test.js';
import { cachedStep } from './validate-cached.js';
import { nextDatabase, previewDatabase, warehouseNextStep, warehousePreviewStep, warehouseSwapStep } from './warehouse.js';

export const steps = {
  /** Static checks of the whole repository; a clean result is cached by content. */
  async validate(): Promise<Step> {
    const mod = await import('./validate.js');
    return cachedStep({ step: mod.validateStep, version: 'v1' });
  },
  build: buildStep,
  imageTag: imageTagStep,
  syncDags: syncDagsStep,
  activateDags: activateDagsStep,
  pointer: pointerStep,
  /** dbt build+test in the environment's database, or in its blue/green `_NEXT` database. */
  test: (opts: { in?: 'env' | 'next' | 'preview' } = {}): Step =>
    dbtTestStep(opts.in === 'next' ? { database: nextDatabase } : opts.in === 'preview' ? { database: previewDatabase } : {}),
  warehousePreview: warehousePreviewStep,
  /**
   * `evaluate` reports whether the release is promotable; `enforce` fails the run when it is not.
   * The checks are read from `self` (the run's environment) or from the environment a promotion
   * into the run's environment comes from (`promotion`, the default for `enforce`).
   */
  gate: (opts: { mode: 'evaluate' | 'enforce'; from?: 'self' | 'promotion' }): Step =>
    gateStep({ mode: opts.mode, source: (opts.from ?? (opts.mode === 'enforce' ? 'promotion' : 'self')) === 'promotion' ? promotionSource : (c: RunContext) => targetEnv(c) }),
  resolvePromotion: resolvePromotionStep,
  resolveRollback: resolveRollbackStep,
  warehouseNext: warehouseNextStep,
  warehouseSwap: (opts: { onlyIfNextExists?: boolean } = {}): Step =>
    warehouseSwapStep({
      name: 'warehouse-swap',
      when: opts.onlyIfNextExists ? (c: RunContext) => c.adapters.warehouse(targetEnv(c)).exists({ name: nextDatabase(c) }) : undefined,
    }),
};
