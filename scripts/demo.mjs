#!/usr/bin/env node
// The README's main job on the embedded backends: push-to-deploy to dev, then promote to prod.
// Everything lands under .dataship/ (registry, hosts, warehouse, releases, pointers, run reports).
import { fileURLToPath } from 'node:url';
import { $, chalk } from 'zx';

$.verbose = false;
const cli = [process.execPath, fileURLToPath(new URL('../dist/ci/cli/bin.js', import.meta.url))];
const env = { ...process.env, DATASHIP_BUILDER: process.env.DATASHIP_BUILDER ?? 'none' };
const step = (title) => console.log(`\n${chalk.bold.cyan(`== ${title}`)}`);
const run = async (args) => {
  const p = await $({ env, nothrow: true, stdio: ['ignore', 'inherit', 'inherit'] })`${cli} ${args}`;
  return p.exitCode;
};

if (env.DATASHIP_BUILDER === 'none') {
  console.log(chalk.dim('runtime image: not built in the demo (no network for its base image); set DATASHIP_BUILDER=auto to build dbt/Dockerfile'));
}

step('push-to-deploy: validate → build → deploy to dev → test → gate → report');
const deployed = await run(['run', 'push-to-deploy', '--local']);
if (deployed !== 0) process.exit(deployed);

step('promote to prod: gate → blue/green warehouse → image tag → DAGs → pointer');
let promoted = await run(['promote', '--to', 'prod', '--local']);
if (promoted === 1) {
  const dbt = await $({ nothrow: true })`command -v dbt`;
  if (dbt.exitCode !== 0) {
    console.log(chalk.yellow('\nThe gate refused because dbt tests did not run (dbt is not installed here).'));
    console.log(chalk.yellow('The demo promotes anyway with a recorded break-glass override; a real pipeline would stop here.'));
    promoted = await run(['promote', '--to', 'prod', '--local', '--override-gate', 'demo: dbt is not installed on this machine']);
  }
}
if (promoted !== 0) process.exit(promoted);

step('status');
process.exit(await run(['status', '--local']));
