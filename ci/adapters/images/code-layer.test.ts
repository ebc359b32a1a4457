import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { sha256Digest } from '../../core/image/digest.js';
import { dbtProjectDigest, dbtProjectLayer, readRuntimeInputs } from './code-layer.js';

const root = mkdtempSync(join(tmpdir(), 'code-layer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function makeProject(name: string, opts: { sql?: string; noise?: boolean } = {}): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'models/staging'), { recursive: true });
  writeFileSync(join(dir, 'dbt_project.yml'), 'name: estat\nversion: "1.0"\n');
  writeFileSync(join(dir, 'models/staging/stg_population.sql'), opts.sql ?? 'select 1 as id\n');
  writeFileSync(join(dir, 'models/a-b.sql'), 'select 2\n');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(dir, 'run.sh'), 0o700);
  if (opts.noise) {
    // Build output, empty directories, odd modes and times must not change the layer.
    for (const d of ['target', 'dbt_packages/x', 'logs', 'macros/empty']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'target/manifest.json'), '{}');
    writeFileSync(join(dir, 'logs/dbt.log'), 'log');
    writeFileSync(join(dir, '.user.yml'), 'id: 1');
    chmodSync(join(dir, 'dbt_project.yml'), 0o664);
    utimesSync(join(dir, 'models/a-b.sql'), new Date('2001-02-03'), new Date('2001-02-03'));
  }
  return dir;
}

async function entries(file: string): Promise<tar.Header[]> {
  const out: tar.Header[] = [];
  const ex = tar.extract();
  const done = new Promise<void>((res, rej) => {
    ex.on('entry', (h, stream, next) => {
      out.push(h);
      stream.on('end', next);
      stream.resume();
    });
    ex.on('finish', res);
    ex.on('error', rej);
  });
  ex.end(gunzipSync(readFileSync(file)));
  await done;
  return out;
}

describe('dbtProjectLayer', () => {
  it('gives the same digest for the same tree regardless of mtimes, modes, build output and empty dirs', async () => {
    const a = await dbtProjectLayer({ dir: makeProject('a'), tmpDir: join(root, 'tmp') });
    const b = await dbtProjectLayer({ dir: makeProject('b', { noise: true }), tmpDir: join(root, 'tmp') });
    expect(b.digest).toBe(a.digest);
    expect(b.diffId).toBe(a.diffId);
    expect(b.size).toBe(a.size);
    expect(a.files).toBe(4);
  });

  it('changes digest when one SQL file changes', async () => {
    const a = await dbtProjectLayer({ dir: makeProject('c'), tmpDir: join(root, 'tmp') });
    const b = await dbtProjectLayer({ dir: makeProject('d', { sql: 'select 42 as id\n' }), tmpDir: join(root, 'tmp') });
    expect(b.digest).not.toBe(a.digest);
  });

  it('writes a gzip with a fixed header and digests that match its bytes', async () => {
    const l = await dbtProjectLayer({ dir: makeProject('e'), tmpDir: join(root, 'tmp') });
    const bytes = readFileSync(l.path);
    // magic, deflate, no flags, mtime 0, xfl 0 (level 6), OS 3 (unix)
    expect([...bytes.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(sha256Digest(bytes)).toBe(l.digest);
    expect(l.size).toBe(bytes.length);
    expect(sha256Digest(gunzipSync(bytes))).toBe(l.diffId);
    expect(await dbtProjectDigest({ dir: join(root, 'e') })).toBe(l.diffId);
  });

  it('lays out sorted entries under app/dbt with uid/gid 0, epoch mtime, normalised modes and an opaque whiteout', async () => {
    const l = await dbtProjectLayer({ dir: makeProject('f', { noise: true }), tmpDir: join(root, 'tmp') });
    const hs = await entries(l.path);
    expect(hs.map((h) => h.name)).toEqual([
      'app/',
      'app/dbt/',
      'app/dbt/.wh..wh..opq',
      'app/dbt/dbt_project.yml',
      'app/dbt/models/',
      'app/dbt/models/a-b.sql',
      'app/dbt/models/staging/',
      'app/dbt/models/staging/stg_population.sql',
      'app/dbt/run.sh',
    ]);
    for (const h of hs) {
      expect(h.uid).toBe(0);
      expect(h.gid).toBe(0);
      expect(h.mtime?.getTime()).toBe(0);
    }
    const mode = (n: string) => hs.find((h) => h.name === n)!.mode;
    expect(mode('app/dbt/models/')).toBe(0o755);
    expect(mode('app/dbt/dbt_project.yml')).toBe(0o644);
    expect(mode('app/dbt/run.sh')).toBe(0o755);
    // GNU tar reads it too.
    const listing = execFileSync('tar', ['-tzvf', l.path], { encoding: 'utf8' });
    expect(listing).toContain('app/dbt/models/staging/stg_population.sql');
  });

  it('keeps symlinks as links and long or non-ASCII names intact', async () => {
    const dir = makeProject('g');
    const long = `${'x'.repeat(120)}/${'y'.repeat(90)}.sql`;
    mkdirSync(join(dir, 'x'.repeat(120)));
    writeFileSync(join(dir, long), 'select 3');
    writeFileSync(join(dir, 'models/人口.sql'), 'select 4');
    symlinkSync('dbt_project.yml', join(dir, 'link.yml'));
    const l = await dbtProjectLayer({ dir, tmpDir: join(root, 'tmp') });
    const hs = await entries(l.path);
    expect(hs.find((h) => h.name === `app/dbt/${long}`)?.size).toBe(8);
    expect(hs.find((h) => h.name === 'app/dbt/models/人口.sql')).toBeTruthy();
    const link = hs.find((h) => h.name === 'app/dbt/link.yml');
    expect(link?.type).toBe('symlink');
    expect(link?.linkname).toBe('dbt_project.yml');
  });

  it('fails with ENOTFOUND for a missing project directory', async () => {
    await expect(dbtProjectLayer({ dir: join(root, 'nope') })).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('readRuntimeInputs', () => {
  it('reads files with repository-relative paths and names a missing one', async () => {
    const dir = makeProject('h');
    const files = await readRuntimeInputs({ cwd: root, paths: ['h/dbt_project.yml'] });
    expect(files[0].path).toBe('h/dbt_project.yml');
    expect(String(files[0].content)).toContain('estat');
    expect(dir).toContain('h');
    await expect(readRuntimeInputs({ cwd: root, paths: ['h/requirements.txt'] })).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('cross-machine pin', () => {
  it('gives this exact digest for this exact tree (a change here changes every code image digest)', async () => {
    const dir = join(root, 'pinned');
    mkdirSync(join(dir, 'models'), { recursive: true });
    writeFileSync(join(dir, 'dbt_project.yml'), 'name: pinned\n');
    writeFileSync(join(dir, 'models', 'a.sql'), 'select 1\n'.repeat(50));
    const l = await dbtProjectLayer({ dir, tmpDir: join(root, 'tmp') });
    expect(l.diffId).toBe('sha256:020261efeb4444010e29cec865c87e845a22d4a363af64900398b309c63f297c');
    expect(l.digest).toBe('sha256:4e9df2f64c41251628f16c1077863072363278f5cac09e4b0b0f711473bc464f');
  });
});
