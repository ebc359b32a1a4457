// Shared by the job scripts: run one dataship command in-process through the library, with the
// CI host's environment, and hand its exit code to the shell. No logic of the pipeline lives here.
import { argv, chalk } from 'zx';
import { runCommand, steps } from '../dist/ci/index.js';

export { steps };

/**
 * Runs `command` (and `job` for `run`) and returns its exit code. `steps` composes the pipeline
 * from the library's step catalogue; without it the command's own steps run.
 */
export async function dataship(command, options = {}) {
  const { exitCode } = await runCommand({
    command,
    job: options.job,
    cwd: process.cwd(),
    env: process.env,
    configFile: argv.config,
    local: Boolean(argv.local ?? process.env.DATASHIP_LOCAL === '1'),
    dryRun: Boolean(argv['dry-run']),
    json: false,
    verbosity: argv.verbose ? 'verbose' : argv.quiet ? 'quiet' : 'normal',
    envName: options.env,
    releaseId: options.releaseId,
    toReleaseId: options.toReleaseId,
    overrideGate: options.overrideGate,
    steps: options.steps,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  return exitCode;
}

/** Ends the script with the first non-zero code. */
export function finish(...codes) {
  const failed = codes.find((c) => c !== 0) ?? 0;
  if (failed) console.error(chalk.red(`dataship: job failed with exit code ${failed}`));
  process.exit(failed);
}
