/**
 * A channel runs the host script on one Airflow host and delivers a payload to it. The DAG host
 * logic (dag-host.ts) is the same for every transport; only the channel differs: local (a child
 * `sh`), ssh (the system ssh client) or ssm (S3 + Run Command).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';

export type Payload = ({ data: Buffer } | { path: string }) & { sha256: string; size: number };

export interface HostRun {
  /** The script's exit code; -1 when it was killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
  /** Payload bytes this run sent to the host (0 when none). */
  bytesSent: number;
}

/**
 * One run of the script's `session` command: it probes, prints `ready`, then takes one request
 * line (and its payload) on stdin — a whole deploy over a single connection and process.
 */
export interface HostSession {
  /** The output before `ready` (the probe), or the finished run when the script ended first. */
  opening: Promise<{ ready: true; stdout: string } | { ready: false; run: HostRun }>;
  /** Sends the request (`deploy …`) and its payload, or nothing, and waits for the end. */
  finish(opts: { request?: string[]; payload?: Payload }): Promise<HostRun>;
}

export interface HostChannel {
  describe(): string;
  /** Starts the script's `session` command, where the transport keeps stdin open (local, ssh). */
  session?(opts: { args: string[] }): Promise<HostSession>;
  /**
   * Runs the host script with `args`. With a payload, the channel delivers it and appends
   * `--payload <where> --payload-sha256 <sha>` to the arguments.
   */
  run(opts: { args: string[]; payload?: Payload }): Promise<HostRun>;
  /** Characters of stdout the channel can bring back (SSM cuts at 24,000); 0 for no limit. */
  readonly stdoutLimit: number;
  close(): Promise<void>;
}

export function payloadArgs(payload: Payload, where: string): string[] {
  return ['--payload', where, '--payload-sha256', payload.sha256];
}

export interface SpawnOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  detached?: boolean;
  onSpawn?: (child: ChildProcess) => void;
}

function sendPayload(child: ChildProcess, p: Payload | undefined, reject: (e: Error) => void, stdin?: Buffer): void {
  if (p && 'path' in p) {
    const rs = createReadStream(p.path);
    rs.on('error', (err) => {
      child.kill('SIGKILL');
      reject(err);
    });
    rs.pipe(child.stdin!);
  } else child.stdin!.end(p ? p.data : (stdin ?? Buffer.alloc(0)));
}

/** Spawns the script's `session` command and holds its stdin open until `finish`. */
export function spawnSession(opts: SpawnOptions): HostSession {
  const child = spawn(opts.command, opts.args, { env: opts.env ?? process.env, detached: opts.detached ?? false, stdio: ['pipe', 'pipe', 'pipe'] });
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  let readyAt = -1;
  let failed: Error | undefined;
  let markReady: (stdout: string) => void = () => undefined;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (readyAt >= 0) return;
    const i = stdout.startsWith('ready\n') ? 0 : stdout.indexOf('\nready\n') + 1;
    if (i > 0 || stdout.startsWith('ready\n')) {
      readyAt = i + 'ready\n'.length;
      markReady(stdout.slice(0, i));
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => undefined);
  const closed = new Promise<HostRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => (failed ? reject(failed) : resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}killed by ${signal}\n` : stderr, bytesSent: 0 })));
  });
  const opening = new Promise<{ ready: true; stdout: string } | { ready: false; run: HostRun }>((resolve, reject) => {
    markReady = (out) => resolve({ ready: true, stdout: out });
    closed.then((run) => readyAt < 0 && resolve({ ready: false, run }), reject);
  });
  return {
    opening,
    async finish({ request, payload }) {
      if (request) {
        if (request.some((w) => !w || /\s/.test(w))) throw new Error(`session request words must be non-empty without spaces: ${request.join(' ')}`);
        child.stdin!.write(`${request.join(' ')}\n`);
        sendPayload(child, payload, (e) => (failed = e));
      } else child.stdin!.end();
      const run = await closed;
      return { ...run, stdout: readyAt >= 0 ? run.stdout.slice(readyAt) : run.stdout, bytesSent: request && payload ? payload.size : 0 };
    },
  };
}

/**
 * Spawns a process, streams the payload (if any) to its stdin and collects its output. A process
 * that stops reading stdin early (the script found nothing to do) is not an error.
 */
export function runProcess(opts: {
  command: string;
  args: string[];
  payload?: Payload;
  stdin?: Buffer;
  env?: NodeJS.ProcessEnv;
  detached?: boolean;
  onSpawn?: (child: ChildProcess) => void;
}): Promise<HostRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.command, opts.args, { env: opts.env ?? process.env, detached: opts.detached ?? false, stdio: ['pipe', 'pipe', 'pipe'] });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin!.on('error', () => undefined); // EPIPE when the script did not need the payload
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}killed by ${signal}\n` : stderr, bytesSent: opts.payload?.size ?? 0 });
    });
    sendPayload(child, opts.payload, reject, opts.stdin);
  });
}
