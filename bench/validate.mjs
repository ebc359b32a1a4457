#!/usr/bin/env node
// Benchmark: `dataship validate` over this repository (all six kinds, real tools).
//  - wallMs: median wall time of validateRepository;
//  - sequentialMs: median sum of the checks' own times, i.e. what running them one after another
//    would cost, measured in the same runs; concurrencyRatio = wallMs / sequentialMs (< 1 is the
//    gain from running the tools concurrently);
//  - floorRatio = wallMs / slowest check (1.0 would mean validate costs no more than its slowest tool).
// Usage: npm run build && node bench/validate.mjs [--runs N]
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { validateRepository } = await import(new URL('../dist/ci/steps/validate.js', import.meta.url).href);
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const wall = [];
const sequential = [];
const slowest = [];
const perCheck = {};
let problems = 0;
let skipped = [];
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  const r = await validateRepository({ cwd: root });
  wall.push(Number(process.hrtime.bigint() - t) / 1e6);
  sequential.push(r.checks.reduce((s, c) => s + c.durationMs, 0));
  slowest.push(Math.max(...r.checks.map((c) => c.durationMs)));
  for (const c of r.checks) (perCheck[c.name] ??= []).push(c.durationMs);
  problems = r.problems.length;
  skipped = r.skipped;
}
const figures = {
  bench: 'validate',
  wallMs: Math.round(median(wall)),
  sequentialMs: Math.round(median(sequential)),
  concurrencyRatio: +(median(wall) / median(sequential)).toFixed(2),
  slowestCheckMs: Math.round(median(slowest)),
  floorRatio: +(median(wall) / median(slowest)).toFixed(2),
  checksMs: Object.fromEntries(Object.entries(perCheck).map(([k, v]) => [k, Math.round(median(v))])),
  problems,
  skipped: skipped.map((s) => s.check),
  runs,
};
console.log(JSON.stringify(figures));
