#!/usr/bin/env node
/**
 * The `dataship` command line. Parses arguments, runs one command function, and is the only place
 * that calls process.exit. Everything heavy is imported only once a command runs.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';

// The AWS SDK warns on every run under Node 20 about a future requirement; dataship says it once in its docs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
const JOBS = ['push-to-deploy', 'pr-check', 'nightly', 'promote', 'rollback'];
const FORMATS = ['text', 'json', 'junit', 'html', 'markdown'];

interface Globals {
  config?: string;
  local?: boolean;
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

const program = new Command('dataship')
  .description('Ship a data platform — dbt image, Airflow DAGs, dbt state and warehouse — as one release.')
  .version(pkg.version, '-V, --version')
  .option('-c, --config <file>', 'configuration file', 'dataship.yaml')
  .option('--local', 'use the embedded backends for everything (no cloud account needed)')
  .option('--dry-run', 'print the plan and change nothing')
  .option('--json', 'machine output on stdout, logs on stderr')
  .option('-v, --verbose', 'more output')
  .option('-q, --quiet', 'only errors and the verdict')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

async function execute(command: string, extra: { job?: string; env?: string; releaseId?: string; toReleaseId?: string; overrideGate?: string; format?: string }): Promise<never> {
  const g = program.opts<Globals>();
  const base = {
    command,
    job: extra.job as never,
    cwd: process.cwd(),
    env: process.env,
    configFile: g.config,
    local: Boolean(g.local),
    dryRun: Boolean(g.dryRun),
    json: Boolean(g.json),
    verbosity: g.quiet ? 'quiet' : g.verbose ? 'verbose' : 'normal',
    envName: extra.env,
    releaseId: extra.releaseId,
    toReleaseId: extra.toReleaseId,
    overrideGate: extra.overrideGate,
    stdout: process.stdout,
    stderr: process.stderr,
  } as const;
  let code: number;
  if (command === 'status') code = (await (await import('../status.js')).statusCommand(base)).exitCode;
  else if (command === 'report') code = (await (await import('../report-command.js')).reportCommand({ ...base, format: extra.format ?? 'text' })).exitCode;
  else code = (await (await import('../run-command.js')).runCommand(base)).exitCode;
  process.exitCode = code;
  // Let stdout drain before exiting.
  await new Promise((r) => process.stdout.write('', r));
  process.exit(code);
}

examples(program.command('validate').description('check dbt, DAGs, Terraform, workflows, Jenkinsfiles and dataship.yaml; report every problem with file:line'), [
  'dataship validate',
  'dataship validate --json | jq .steps',
]).action(() => execute('validate', {}));

examples(program.command('build').description('build the release candidate: code image, DAG bundle, release record (reused when content is unchanged)'), [
  'dataship build --local',
  'dataship build --local --json | jq -r .release.image.digest',
]).action(() => execute('build', {}));

const envOption = () => new Option('-e, --env <name>', 'environment').makeOptionMandatory();

examples(program.command('deploy').description('make every layer of an environment match the current release, test it, and move its pointer').addOption(envOption()), [
  'dataship deploy --env dev --local',
  'dataship deploy --env dev --dry-run',
]).action((o: { env: string }) => execute('deploy', { env: o.env }));

examples(program.command('sync-dags').description('deploy only the DAG bundle to the environment\'s Airflow host (atomic switch)').addOption(envOption()), [
  'dataship sync-dags --env dev --local',
]).action((o: { env: string }) => execute('sync-dags', { env: o.env }));

examples(program.command('test').description('run dbt build and tests against an environment for the release it runs').addOption(envOption()).option('--release <id>', 'test this release instead'), [
  'dataship test --env dev --local',
]).action((o: { env: string; release?: string }) => execute('test', { env: o.env, releaseId: o.release }));

examples(program.command('gate').description('decide whether the release an environment runs may be promoted (exit 1 when refused)').addOption(envOption()).option('--release <id>', 'check this release instead'), [
  'dataship gate --env dev --local',
]).action((o: { env: string; release?: string }) => execute('gate', { env: o.env, releaseId: o.release }));

examples(
  program
    .command('promote')
    .description('promote a tested release into an environment: gate, blue/green warehouse build and swap, image tag, DAGs, pointer')
    .requiredOption('--to <env>', 'target environment')
    .option('--release <id>', 'release to promote (default: what the source environment runs)')
    .option('--override-gate <reason>', 'break-glass: promote although the gate refuses; recorded with who and why'),
  ['dataship promote --to prod --local', 'dataship promote --to prod --release r-0123456789abcdef'],
).action((o: { to: string; release?: string; overrideGate?: string }) => execute('promote', { env: o.to, releaseId: o.release, overrideGate: o.overrideGate }));

examples(program.command('rollback').description('move every layer of an environment back to its previous release (or --to ID)').addOption(envOption()).option('--to <id>', 'release to roll back to'), [
  'dataship rollback --env prod --local',
]).action((o: { env: string; to?: string }) => execute('rollback', { env: o.env, toReleaseId: o.to }));

examples(program.command('status').description("show each environment's release, who moved it when, its history, and DAG drift on the host").option('-e, --env <name>', 'only this environment'), [
  'dataship status --local',
  'dataship status --env prod --local --json',
]).action((o: { env?: string }) => execute('status', { env: o.env }));

examples(program.command('report').description('print the last run\'s report').addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text')), [
  'dataship report --format junit > junit.xml',
  'dataship report --format html > report.html',
]).action((o: { format: string }) => execute('report', { format: o.format }));

examples(program.command('run').description('run a CI job end to end').addArgument(new Argument('<job>', 'job').choices(JOBS)).option('-e, --env <name>', 'environment (default: dev; prod for promote/rollback)').option('--release <id>', 'release (promote)').option('--to <id>', 'release to roll back to').option('--override-gate <reason>', 'break-glass override for promote'), [
  'dataship run push-to-deploy --local',
  'dataship run promote --local',
]).action((job: string, o: { env?: string; release?: string; to?: string; overrideGate?: string }) =>
  execute('run', { job, env: o.env, releaseId: o.release, toReleaseId: o.to, overrideGate: o.overrideGate }),
);

program.addHelpText('after', `
Exit codes: 0 success; 1 the verdict is failure (tests failed, gate refused, validation problems);
2 bad usage, configuration or input; 3 an external system failed.

Examples:
  $ dataship run push-to-deploy --local
  $ dataship promote --to prod --local
  $ dataship status --env prod --local
`);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
    process.exit(2);
  }
  process.stderr.write(`dataship: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(3);
}
