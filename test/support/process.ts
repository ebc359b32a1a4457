/**
 * Starting and stopping real local services for end-to-end tests (moto, docker-registry, sshd).
 * Every service module in this folder builds on these two helpers so that start, readiness and
 * stop work the same way everywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr && typeof addr === 'object') {
        const { port } = addr;
        srv.close(() => resolve(port));
      } else reject(new Error('no port'));
    });
  });
}

export interface RunningService {
  name: string;
  child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Spawns a long-running process and waits until `ready()` resolves true (polled), failing with the
 * process output when it exits early or does not become ready within `timeoutMs`.
 */
export async function startService(opts: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}): Promise<RunningService> {
  const child = spawn(opts.command, opts.args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  let exited: number | null | undefined;
  let spawnError: Error | undefined;
  child.on('exit', (code) => (exited = code));
  child.on('error', (e) => (spawnError = e));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (spawnError) throw new Error(`${opts.name}: cannot start ${opts.command}: ${spawnError.message}`);
    if (exited !== undefined) throw new Error(`${opts.name} exited with ${exited} before it was ready:\n${out}`);
    if (await opts.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} was not ready within ${opts.timeoutMs ?? 30_000} ms:\n${out}`);
    }
    await sleep(100);
  }
  return {
    name: opts.name,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(t);
    },
  };
}

/** True when an HTTP GET of `url` answers with a status below 500. */
export async function httpReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status < 500;
  } catch {
    return false;
  }
}
