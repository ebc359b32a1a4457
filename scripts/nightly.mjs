#!/usr/bin/env zx
// nightly: full validate, build and dbt build+test of what dev runs, then drift on every host.
import { dataship, finish } from './lib.mjs';

const run = await dataship('run', { job: 'nightly', env: 'dev' });
const drift = await dataship('status');
finish(run, drift);
