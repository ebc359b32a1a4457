/**
 * An Airflow host reached over SSH with the system OpenSSH client: key auth, strict host-key
 * checking against a known_hosts file, and one master connection (ControlMaster) that every round
 * trip of a deploy reuses. The system client (not a JavaScript SSH library) so that users' ssh
 * setups — ProxyJump bastions, agents, certificates, ssh_config — work unchanged.
 *
 * The host script is cached on the host as `<root>/.dataship/bin/host-<sha256>.sh`, so it travels
 * once per version of dataship, not once per deploy; payloads travel on the session's stdin.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../core/types.js';
import { DataShipError } from '../../core/errors.js';
import { payloadArgs, runProcess, spawnSession, type HostChannel, type HostRun, type HostSession } from './channel.js';
import { createChannelDagHost, type DagHostWithClose } from './dag-host.js';
import { HOST_SCRIPT, HOST_SCRIPT_SHA256, shellQuote } from './host-script.js';

export interface SshTarget {
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
  /** known_hosts file holding the host's key; checking is strict either way. */
  knownHostsFile?: string;
  /** ssh executable (default `ssh`). */
  ssh?: string;
  connectTimeoutSeconds?: number;
}

const SCRIPT_MISSING = 97;

export function createSshChannel(opts: SshTarget & { root: string; logger: Logger }): HostChannel {
  const ssh = opts.ssh ?? 'ssh';
  const where = `${opts.user ? `${opts.user}@` : ''}${opts.host}${opts.port ? `:${opts.port}` : ''}`;
  let controlDir: string | null = null;
  let master: Promise<void> | null = null;

  const baseArgs = (): string[] => [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    ...(opts.knownHostsFile ? ['-o', `UserKnownHostsFile=${opts.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null'] : []),
    ...(opts.identityFile ? ['-i', opts.identityFile, '-o', 'IdentitiesOnly=yes'] : []),
    ...(opts.port ? ['-p', String(opts.port)] : []),
    ...(opts.user ? ['-l', opts.user] : []),
    '-o', `ConnectTimeout=${opts.connectTimeoutSeconds ?? 15}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'LogLevel=ERROR',
    ...(controlDir ? ['-o', `ControlPath=${controlDir}/cm`] : []),
  ];

  const connectError = (stderr: string, operation: string) =>
    new DataShipError({
      code: 'EHOST',
      message: `cannot reach ${where} over SSH: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'ssh failed'}`,
      operation,
      hint: /host key/i.test(stderr)
        ? `the host's key is not the one in ${opts.knownHostsFile ?? '~/.ssh/known_hosts'}: check the host, then update known_hosts (never turn host-key checking off)`
        : 'check the host, port, user and key; dataship runs ssh with BatchMode=yes, so it cannot answer prompts',
    });

  const ensureMaster = () =>
    (master ??= (async () => {
      controlDir = await mkdtemp(join(tmpdir(), 'dsh-'));
      const log = join(controlDir, 'master.log');
      // -f: background once authenticated; ControlPersist: exits by itself when idle.
      const run = await runProcess({ command: ssh, args: [...baseArgs(), '-o', 'ControlMaster=yes', '-o', 'ControlPersist=60', '-E', log, '-f', '-N', opts.host] });
      if (run.code !== 0) {
        const said = `${await readFile(log, 'utf8').catch(() => '')}${run.stderr}`;
        await rm(controlDir, { recursive: true, force: true });
        controlDir = null;
        master = null;
        throw connectError(said, `ssh ${where}`);
      }
      process.once('exit', stopAtExit);
    })());
  // When close() is never called, the master still goes away with this process.
  const stopAtExit = () => {
    if (!controlDir) return;
    spawnSync(ssh, [...baseArgs(), '-O', 'exit', opts.host], { stdio: 'ignore', timeout: 5_000 });
    rmSync(controlDir, { recursive: true, force: true });
  };

  const exec = (remote: string, payload?: Parameters<HostChannel['run']>[0]['payload'], stdin?: Buffer) =>
    runProcess({ command: ssh, args: [...baseArgs(), '-o', 'ControlMaster=no', '-T', opts.host, remote], payload, stdin });

  const cached = `"$1/.dataship/bin/host-${HOST_SCRIPT_SHA256}.sh"`;
  const runCached = (args: string[]) => `sh -c ${shellQuote(`f=${cached}; shift; [ -f "$f" ] || exit ${SCRIPT_MISSING}; exec sh "$f" "$@"`)} dataship-host ${[opts.root, ...args].map(shellQuote).join(' ')}`;
  const install = `sh -c ${shellQuote(`d="$1/.dataship/bin" && mkdir -p "$d" && cat > "$d/.tmp.$$" && [ "$(sha256sum < "$d/.tmp.$$" | cut -c1-64)" = "$2" ] && mv -f "$d/.tmp.$$" "$d/host-$2.sh"`)} dataship-install ${shellQuote(opts.root)} ${HOST_SCRIPT_SHA256}`;

  const installScript = async () => {
    opts.logger.debug(`ssh ${where}: installing the host script ${HOST_SCRIPT_SHA256.slice(0, 12)}`);
    const inst = await exec(install, undefined, Buffer.from(HOST_SCRIPT));
    if (inst.code === 255) throw connectError(inst.stderr, `install the host script on ${where}`);
    if (inst.code !== 0) {
      throw new DataShipError({ code: 'EHOST', message: `cannot install the host script in ${opts.root}/.dataship/bin on ${where}: ${inst.stderr.trim() || `exit ${inst.code}`}`, hint: 'the SSH user needs write access to the DAG root' });
    }
  };
  const startSession = (args: string[]) => spawnSession({ command: ssh, args: [...baseArgs(), '-o', 'ControlMaster=no', '-T', opts.host, runCached(args)] });

  return {
    describe: () => `ssh ${where}:${opts.root}`,
    stdoutLimit: 0,
    async run({ args, payload }): Promise<HostRun> {
      await ensureMaster();
      const full = [...args, ...(payload ? payloadArgs(payload, '-') : [])];
      let run = await exec(runCached(full), payload);
      if (run.code === SCRIPT_MISSING) {
        await installScript();
        run = await exec(runCached(full), payload);
      }
      if (run.code === 255) throw connectError(run.stderr, `ssh ${where} ${args[0]}`);
      return run;
    },
    async session({ args }): Promise<HostSession> {
      await ensureMaster();
      let s = startSession(args);
      let o = await s.opening;
      if (!o.ready && o.run.code === SCRIPT_MISSING) {
        await installScript();
        s = startSession(args);
        o = await s.opening;
      }
      if (!o.ready && o.run.code === 255) throw connectError(o.run.stderr, `ssh ${where} ${args[0]}`);
      return s;
    },
    async close() {
      if (!master) return;
      await master.catch(() => undefined);
      process.removeListener('exit', stopAtExit);
      if (controlDir) {
        await runProcess({ command: ssh, args: [...baseArgs(), '-O', 'exit', opts.host] }).catch(() => undefined);
        await rm(controlDir, { recursive: true, force: true });
      }
      controlDir = null;
      master = null;
    },
  };
}

export function createSshDagHost(opts: SshTarget & { root: string; logger: Logger; by?: string; delta?: boolean; compileAll?: boolean }): DagHostWithClose {
  return createChannelDagHost({ channel: createSshChannel(opts), root: opts.root, logger: opts.logger, by: opts.by, delta: opts.delta, compileAll: opts.compileAll });
}
