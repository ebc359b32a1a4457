#!/usr/bin/env zx
// promote: gate (identity, tests) → blue/green warehouse build and swap → image tag → DAGs → pointer.
// Usage: zx scripts/promote.mjs --to prod [--release r-…] [--local]
import { argv } from 'zx';
import { dataship, finish } from './lib.mjs';

finish(await dataship('promote', { env: argv.to ?? 'prod', releaseId: argv.release, overrideGate: argv['override-gate'] }));
