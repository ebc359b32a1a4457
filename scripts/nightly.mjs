#!/usr/bin/env zx
// nightly: full validate and build, dbt build+test of what dev runs, then drift on every Airflow host.
import { dataship, finish } from './lib.mjs';

const run = await dataship('run', { job: 'nightly', env: 'dev' });
const drift = await dataship('status'); // exit 1 when a host's DAG folder differs from its release
finish(run, drift);
