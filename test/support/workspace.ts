/**
 * A throwaway copy of this repository's platform (dbt/, airflow-dags/, terraform/, CI files and
 * dataship.yaml) in a git repository of its own, and a way to run the compiled `dataship` CLI in it.
 * End-to-end tests of the pipeline work here, never in the real checkout.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(REPO_ROOT, 'dist/ci/cli/bin.js');
export const FAKE_DBT_DIR = join(REPO_ROOT, 'test/support/fake-dbt');
const COPY = ['dbt', 'airflow-dags', 'terraform', '.github', 'jenkins', 'dataship.yaml', 'schema'];

export interface Workspace {
  dir: string;
  run(args: string[], opts?: { env?: Record<string, string | undefined>; input?: string }): Promise<CliResult>;
  write(path: string, content: string): Promise<void>;
  commit(message: string): void;
  remove(): Promise<void>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a CLI run gets: no CI host variables, no colour, and the fake dbt only when asked. */
export function baseEnv(opts: { withDbt: boolean; extra?: Record<string, string | undefined> }): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('GITHUB_') || k.startsWith('JENKINS') || k === 'BUILD_URL' || k === 'CI') delete env[k];
  const path = (env.PATH ?? '').split(':').filter((p) => !p.includes('fake-dbt'));
  env.PATH = (opts.withDbt ? [FAKE_DBT_DIR, ...path] : path).join(':');
  env.NO_COLOR = '1';
  env.DATASHIP_BUILDER = 'none';
  env.DATASHIP_ACTOR = 'e2e-tester';
  return { ...env, ...opts.extra };
}

export async function createWorkspace(opts: { withDbt?: boolean } = {}): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'dataship-ws-'));
  for (const p of COPY) {
    const from = join(REPO_ROOT, p);
    if (await stat(from).then(() => true, () => false)) {
      await cp(from, join(dir, p), { recursive: true, filter: (src) => !/\/(target|dbt_packages|logs|__pycache__)(\/|$)/.test(src) });
    }
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'initial');
  const ws: Workspace = {
    dir,
    run: (args, o = {}) => runCli({ cwd: dir, args, env: o.env ?? baseEnv({ withDbt: opts.withDbt ?? false }) }),
    write: (path, content) => writeFile(join(dir, path), content),
    commit(message) {
      git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', message);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  return ws;
}

export function runCli(opts: { cwd: string; args: string[]; env: Record<string, string | undefined> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...opts.args], { cwd: opts.cwd, env: opts.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** sha256 of every file (path, mode, content) and symlink (path, target) under a directory. */
export async function hashTree(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const abs = join(d, e.name);
      const rel = relative(dir, abs).split(sep).join('/');
      if (rel === '.git') continue;
      const st = await stat(abs).catch(() => null);
      if (e.isSymbolicLink()) {
        const { readlink } = await import('node:fs/promises');
        h.update(`L ${rel} ${await readlink(abs)}\n`);
      } else if (e.isDirectory()) {
        h.update(`D ${rel}\n`);
        await walk(abs);
      } else if (st) {
        h.update(`F ${rel} ${st.mode} ${createHash('sha256').update(await readFile(abs)).digest('hex')}\n`);
      }
    }
  };
  await walk(dir);
  return h.digest('hex');
}

/** Every file under a directory with its text (for searching outputs for secrets). */
export async function readAllFiles(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) out.push({ path: abs, text: (await readFile(abs)).toString('latin1') });
    }
  };
  if (await stat(dir).then(() => true, () => false)) await walk(dir);
  return out;
}
