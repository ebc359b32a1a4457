/**
 * A small base image for tests, made locally with buildah from Debian's static busybox (nothing
 * can be pulled here): `localhost/busybox-base` in an isolated vfs storage, for Dockerfiles that
 * say `FROM localhost/busybox-base`; and the fixtures image tests share (a project, git, a logger).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, symlinkSync, chmodSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BuildahOptions } from '../../ci/adapters/builder/builders.js';
import type { Logger } from '../../ci/core/types.js';

const run = promisify(execFile);

export const BASE_IMAGE = 'localhost/busybox-base';

export interface BuildahStorage {
  root: string;
  runroot: string;
  /** Options for dataship's buildah builder that use this storage. */
  buildah: BuildahOptions;
  /** Global flags for running buildah by hand against this storage. */
  flags: string[];
}

export function buildahStorage(dir = mkdtempSync(join(tmpdir(), 'buildah-'))): BuildahStorage {
  const root = join(dir, 'root');
  const runroot = join(dir, 'run');
  return { root, runroot, buildah: { storageDriver: 'vfs', root, runroot, isolation: 'chroot' }, flags: ['--storage-driver', 'vfs', '--root', root, '--runroot', runroot] };
}

/** Commits `localhost/busybox-base` (busybox-static + /bin/sh and friends) into the storage. */
export async function makeBusyboxBase(storage: BuildahStorage): Promise<string> {
  if (!existsSync('/bin/busybox')) throw new Error('/bin/busybox is missing: apt-get install busybox-static (listed in .ci/apt-packages.txt)');
  const rootfs = mkdtempSync(join(tmpdir(), 'busybox-rootfs-'));
  mkdirSync(join(rootfs, 'bin'));
  mkdirSync(join(rootfs, 'tmp'));
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
  for (const tool of ['sh', 'cat', 'ls', 'mkdir', 'echo', 'cp', 'env', 'test', 'true', 'find', 'sha256sum', 'wc']) symlinkSync('busybox', join(rootfs, 'bin', tool));
  const b = (...args: string[]) => run('buildah', [...storage.flags, ...args], { maxBuffer: 16 * 1024 * 1024 });
  try {
    const { stdout } = await b('from', 'scratch');
    const container = stdout.trim();
    await b('copy', container, `${rootfs}/`, '/');
    await b('config', '--os', 'linux', '--arch', 'amd64', '--cmd', '/bin/sh', '--env', 'PATH=/bin', container);
    await b('commit', '--quiet', container, BASE_IMAGE);
    await b('rm', container);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return BASE_IMAGE;
}

/** A repository with a small dbt project whose runtime Dockerfile builds on `localhost/busybox-base`. */
export interface ImageProject {
  root: string;
  dbtDir: string;
  runtimeInputs: string[];
}

export const RUNTIME_DOCKERFILE = [
  `FROM ${BASE_IMAGE}`,
  'COPY requirements.txt /opt/runtime/requirements.txt',
  // A stale project copy in the runtime image: the code layer's opaque whiteout must hide it.
  'RUN mkdir -p /app/dbt && echo stale > /app/dbt/stale.sql && echo dbt-runtime > /opt/runtime/marker',
  '',
].join('\n');

export function makeImageProject(opts: { root?: string; sql?: string } = {}): ImageProject {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'image-project-'));
  const dbt = join(root, 'dbt');
  mkdirSync(join(dbt, 'models', 'staging'), { recursive: true });
  const write = (p: string, s: string) => writeFileSync(join(dbt, p), s);
  write('Dockerfile', RUNTIME_DOCKERFILE);
  write('requirements.txt', 'dbt-core==1.8.0\ndbt-snowflake==1.8.0\n');
  write('packages.yml', 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n');
  write('dbt_project.yml', "name: estat\nversion: '1.0'\nprofile: estat\nmodel-paths: ['models']\n");
  write('models/staging/stg_population.sql', opts.sql ?? 'select 1 as prefecture_id, 100 as population\n');
  write('models/marts.sql', "select * from {{ ref('stg_population') }}\n");
  return { root, dbtDir: 'dbt', runtimeInputs: ['dbt/Dockerfile', 'dbt/requirements.txt', 'dbt/packages.yml'] };
}

/** Commits everything in `root` as a new git repository. */
export async function gitCommitAll(root: string): Promise<string> {
  const git = (...args: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: root });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'fixture');
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}

export async function gitClone(from: string, to: string): Promise<void> {
  await run('git', ['clone', '-q', from, to]);
}

/** A Logger that keeps what it was told, for assertions. */
export function testLogger(): Logger & { lines: string[]; progressCalls: number } {
  const lines: string[] = [];
  const logger = {
    lines,
    progressCalls: 0,
    debug: (m: string) => void lines.push(`debug ${m}`),
    info: (m: string) => void lines.push(`info ${m}`),
    warn: (m: string) => void lines.push(`warn ${m}`),
    error: (m: string) => void lines.push(`error ${m}`),
    group: <T>(_t: string, fn: () => Promise<T>) => fn(),
    progress: () => void logger.progressCalls++,
  };
  return logger;
}
