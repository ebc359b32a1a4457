#!/usr/bin/env zx
// promote: a tested release into prod, every layer together.
// Usage: zx scripts/promote.mjs --to prod [--release r-…] [--override-gate "reason"] [--local]
import { argv } from 'zx';
import { dataship, finish, steps as s } from './lib.mjs';

finish(
  await dataship('promote', {
    env: argv.to ?? 'prod',
    releaseId: argv.release || undefined,
    overrideGate: argv['override-gate'],
    steps: () => [
      s.resolvePromotion({ releaseId: argv.release || undefined }), // default: what dev runs
      s.gate({ mode: 'enforce' }), // identity (tested digest = promoted digest), required checks
      s.warehouseNext, // clone ESTAT_PROD into ESTAT_PROD_NEXT
      s.test({ in: 'next' }), // dbt build + tests in the clone
      s.warehouseSwap(), // ALTER DATABASE … SWAP WITH …_NEXT
      s.imageTag, // move `prod` to the tested digest (never a rebuild)
      s.syncDags, // DAG bundle to prod's Airflow host
      s.pointer('promote'),
    ],
  }),
);
