#!/usr/bin/env zx
// pr-check: validate, build, and test the change in the pull request's own clone of prod (CI_PR_<n>).
// The PR number comes from the CI host (GitHub: the event; Jenkins multibranch: CHANGE_ID).
import { fs } from 'zx';
import { dataship, finish, steps as s } from './lib.mjs';

const event = process.env.GITHUB_EVENT_PATH ? await fs.readJson(process.env.GITHUB_EVENT_PATH).catch(() => ({})) : {};
const pr = event.pull_request?.number ?? process.env.CHANGE_ID ?? process.env.PR_NUMBER;

finish(
  await dataship('run', {
    job: 'pr-check',
    env: pr ? `pr-${pr}` : 'dev',
    steps: async () => [
      await s.validate(),
      s.build, // nothing is deployed: the release is built and tested in isolation
      s.warehousePreview, // zero-copy clone of prod for this PR
      s.test({ in: 'preview' }), // dbt build + tests in the clone
    ],
  }),
);
