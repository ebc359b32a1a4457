#!/usr/bin/env zx
// push-to-deploy: a merge to main reaches dev, tested.
// Usage: zx scripts/push-to-deploy.mjs [--local] [--dry-run]
import { dataship, finish, steps as s } from './lib.mjs';

finish(
  await dataship('run', {
    job: 'push-to-deploy',
    env: 'dev',
    steps: async () => [
      await s.validate(), // dbt, DAGs, Terraform, workflows, Jenkinsfiles, dataship.yaml
      s.build, // code image on the runtime image, DAG bundle, release record (reused if unchanged)
      s.imageTag, // move the `dev` tag to the release's digest
      s.syncDags, // DAG bundle to dev's Airflow host, compiled there, switched atomically
      s.pointer('deploy'), // dev now runs this release
      s.test(), // dbt build + tests in dev, attested on the release with the digest tested
      s.gate({ mode: 'evaluate' }), // is it promotable to prod?
    ],
  }),
);
