#!/usr/bin/env zx
// pr-check: validate, build, and test the change in the PR's own warehouse clone; report on the PR.
// The PR number comes from the CI host (GitHub: the event; Jenkins multibranch: CHANGE_ID).
import { fs } from 'zx';
import { dataship, finish } from './lib.mjs';

const event = process.env.GITHUB_EVENT_PATH ? await fs.readJson(process.env.GITHUB_EVENT_PATH).catch(() => ({})) : {};
const pr = event.pull_request?.number ?? process.env.CHANGE_ID ?? process.env.PR_NUMBER;
finish(await dataship('run', { job: 'pr-check', env: pr ? `pr-${pr}` : 'dev' }));
