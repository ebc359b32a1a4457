#!/usr/bin/env zx
// push-to-deploy: a merge to main reaches dev, tested.
//   validate → build → image tag, DAG bundle, pointer, dbt build+test in dev → gate → report
// Usage: zx scripts/push-to-deploy.mjs [--local] [--dry-run]
import { dataship, finish } from './lib.mjs';

finish(await dataship('run', { job: 'push-to-deploy', env: 'dev' }));
