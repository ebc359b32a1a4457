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

export interface HostChannel {
  describe(): string;
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
    const p = opts.payload;
    if (p && 'path' in p) {
      const rs = createReadStream(p.path);
      rs.on('error', (err) => {
        child.kill('SIGKILL');
        reject(err);
      });
      rs.pipe(child.stdin!);
    } else child.stdin!.end(p ? p.data : (opts.stdin ?? Buffer.alloc(0)));
  });
}
