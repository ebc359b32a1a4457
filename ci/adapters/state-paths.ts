/** Where the embedded backends keep their state, under `<repo>/.dataship/`. */
import { join } from 'node:path';

export interface StatePaths {
  root: string;
  releases: string;
  pointers: string;
  registry: string;
  bundles: string;
  warehouse: string;
  runs: string;
  cache: string;
  host(env: string): string;
  run(runId: string): string;
}

export function statePaths(opts: { cwd: string }): StatePaths {
  const root = join(opts.cwd, '.dataship');
  return {
    root,
    releases: join(root, 'releases'),
    pointers: join(root, 'pointers'),
    registry: join(root, 'registry'),
    bundles: join(root, 'bundles'),
    warehouse: join(root, 'warehouse'),
    runs: join(root, 'runs'),
    cache: join(root, 'cache'),
    host: (env) => join(root, 'hosts', env),
    run: (runId) => join(root, 'runs', runId),
  };
}
