/** Runs a container tool (buildah, podman, docker) and turns its failure into an ETOOL error. */
import { spawn } from 'node:child_process';
import { DataShipError } from '../../core/errors.js';
import type { Logger } from '../../core/types.js';

export interface ToolResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Spawns without a shell; resolves with the output whatever the exit code. */
export function spawnTool(opts: { command: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv; logger?: Logger; timeoutMs?: number }): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const line = (buf: Buffer, into: 'out' | 'err') => {
      const s = buf.toString();
      if (into === 'out') stdout += s;
      else stderr = (stderr + s).slice(-64_000);
      for (const l of s.split('\n')) if (l.trim()) opts.logger?.debug(`${opts.command}: ${l}`);
    };
    child.stdout.on('data', (b: Buffer) => line(b, 'out'));
    child.stderr.on('data', (b: Buffer) => line(b, 'err'));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? 1 });
    });
  });
}

/** Runs a tool that must succeed; a non-zero exit is ETOOL with the tail of its stderr. */
export async function runTool(opts: { command: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv; logger?: Logger; operation: string; hint?: string }): Promise<ToolResult> {
  let res: ToolResult;
  try {
    res = await spawnTool(opts);
  } catch (err) {
    throw new DataShipError({ code: 'ETOOL', message: `cannot run ${opts.command}: ${(err as Error).message}`, operation: opts.operation, cause: err, hint: opts.hint });
  }
  if (res.code !== 0) {
    const tail = res.stderr.trim().split('\n').slice(-8).join('\n');
    throw new DataShipError({
      code: 'ETOOL',
      message: `${opts.operation} failed: ${opts.command} exited with ${res.code}${tail ? `: ${tail}` : ''}`,
      operation: opts.operation,
      hint: opts.hint,
    });
  }
  return res;
}

/** Whether a command runs at all (`<cmd> --version` exits 0). */
export async function toolWorks(opts: { command: string; args?: string[]; env?: NodeJS.ProcessEnv }): Promise<boolean> {
  try {
    return (await spawnTool({ command: opts.command, args: opts.args ?? ['--version'], env: opts.env, timeoutMs: 15_000 })).code === 0;
  } catch {
    return false;
  }
}
