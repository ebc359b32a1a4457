#!/usr/bin/env zx
// rollback: every layer of the environment back to its previous release (or --to ID).
import { argv } from 'zx';
import { dataship, finish, steps as s } from './lib.mjs';

finish(
  await dataship('rollback', {
    env: argv.env ?? 'prod',
    steps: () => [
      s.resolveRollback({ toReleaseId: argv.to || undefined }),
      s.warehouseSwap({ onlyIfNextExists: true }), // the previous warehouse is the _NEXT database
      s.imageTag,
      s.activateDags, // switch `current` back in one atomic step
      s.pointer('rollback'),
    ],
  }),
);
