#!/usr/bin/env zx
// rollback: every layer of the environment back to its previous release (or --to ID):
// warehouse SWAP back, image tag, DAG `current`, pointer.
import { argv } from 'zx';
import { dataship, finish } from './lib.mjs';

finish(await dataship('rollback', { env: argv.env ?? 'prod', toReleaseId: argv.to }));
