#!/usr/bin/env node
// Benchmark: the push-to-deploy main job on the embedded backends.
//  - no-op ratio: a rerun with nothing changed, as a ratio of the first run's time (target ≤ 0.1);
//  - cold start: median wall time of `dataship --help`, and as a ratio of a bare `node -e ""`
//    measured in the same run (target ≤ 300 ms).
// Usage: npm run build && node bench/pipeline.mjs [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/ci/cli/bin.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const env = { ...process.env, NO_COLOR: '1', DATASHIP_BUILDER: 'none' };
for (const k of Object.keys(env)) if (k.startsWith('GITHUB_') || k.startsWith('JENKINS')) delete env[k];

function time(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: 'pipe', ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A fresh workspace: the platform in a git repository of its own.
const ws = mkdtempSync(join(tmpdir(), 'dataship-bench-'));
for (const p of ['dbt', 'airflow-dags', 'terraform', '.github', 'jenkins', 'dataship.yaml', 'schema']) {
  if (existsSync(join(root, p))) cpSync(join(root, p), join(ws, p), { recursive: true });
}
execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: ws });
execFileSync('git', ['-c', 'user.email=b@x', '-c', 'user.name=b', 'add', '-A'], { cwd: ws });
execFileSync('git', ['-c', 'user.email=b@x', '-c', 'user.name=b', 'commit', '-qm', 'bench'], { cwd: ws });

try {
  const first = time('node', [cli, 'run', 'push-to-deploy', '--local'], { cwd: ws });
  const noops = [];
  for (let i = 0; i < 3; i++) noops.push(time('node', [cli, 'run', 'push-to-deploy', '--local'], { cwd: ws }));
  const noop = median(noops);

  const help = [];
  const bare = [];
  for (let i = 0; i < runs; i++) {
    bare.push(time('node', ['-e', '']));
    help.push(time('node', [cli, '--help']));
  }
  const figures = {
    bench: 'pipeline',
    firstRunMs: Math.round(first),
    noopRunMs: Math.round(noop),
    noopRatio: +(noop / first).toFixed(3),
    noopTarget: 0.1,
    helpMedianMs: Math.round(median(help)),
    nodeBaselineMedianMs: Math.round(median(bare)),
    helpOverNodeRatio: +(median(help) / median(bare)).toFixed(2),
    helpTargetMs: 300,
    runs,
  };
  console.log(JSON.stringify(figures));
} finally {
  rmSync(ws, { recursive: true, force: true });
}
