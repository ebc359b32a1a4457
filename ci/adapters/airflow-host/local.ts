/**
 * The embedded Airflow host: a directory on this machine (by default `.dataship/hosts/<env>/`),
 * laid out exactly like a real host and driven by the same host script, run with the local `sh`.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Logger } from '../../core/types.js';
import { payloadArgs, runProcess, spawnSession, type HostChannel } from './channel.js';
import { createChannelDagHost, type DagHostWithClose } from './dag-host.js';
import { HOST_SCRIPT } from './host-script.js';

export interface LocalChannelOptions {
  /** python3 used to compile DAGs (default: `python3` on PATH). */
  python?: string;
  /** Test hooks: print phase markers (`DATASHIP_HOST_TRACE=1`) and see each spawned script. */
  trace?: boolean;
  onSpawn?: (child: ChildProcess) => void;
  /** Environment of the script (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export function createLocalChannel(opts: LocalChannelOptions & { root: string }): HostChannel {
  const env = { ...(opts.env ?? process.env), ...(opts.python ? { DATASHIP_PYTHON: opts.python } : {}), ...(opts.trace ? { DATASHIP_HOST_TRACE: '1' } : {}) };
  return {
    describe: () => `local host ${opts.root}`,
    stdoutLimit: 0,
    run: ({ args, payload }) =>
      runProcess({
        command: 'sh',
        args: ['-c', HOST_SCRIPT, 'dataship-host', ...args, ...(payload ? payloadArgs(payload, '-') : [])],
        payload,
        env,
        // Its own process group: a deploy runs to its end even if dataship is interrupted, and a
        // test can kill the whole group at once.
        detached: true,
        onSpawn: opts.onSpawn,
      }),
    session: async ({ args }) => spawnSession({ command: 'sh', args: ['-c', HOST_SCRIPT, 'dataship-host', ...args], env, detached: true, onSpawn: opts.onSpawn }),
    close: async () => undefined,
  };
}

/** The embedded default: `root` is the host directory (Airflow's dags_folder is `<root>/current`). */
export function createLocalDagHost(opts: LocalChannelOptions & { root: string; logger: Logger; by?: string; delta?: boolean; compileAll?: boolean }): DagHostWithClose {
  const root = resolve(opts.root);
  return createChannelDagHost({ channel: createLocalChannel({ ...opts, root }), root, logger: opts.logger, by: opts.by, delta: opts.delta, compileAll: opts.compileAll });
}
