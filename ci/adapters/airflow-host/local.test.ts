/**
 * The host script run for real with `sh` against a host directory, through the local transport:
 * full and delta deploys, refusal of broken DAGs, no-op redeploys, keep-N, rollback, drift.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataShipError } from '../../core/errors.js';
import { dagFolder, hashTree, manifestHashes, memoryLogger, writeTree } from '../../../test/support/dag-fixtures.js';
import { createLocalDagHost } from './local.js';
import { packDagBundle } from '../../core/dag-bundle/index.js';

const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
let work: string;
let root: string;
const logger = memoryLogger();

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'dags-local-'));
  root = join(work, 'host');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

async function pack(name: string, files: Record<string, string>) {
  const dir = join(work, 'src', name);
  writeTree(dir, files);
  return packDagBundle({ dir, outDir: join(work, 'bundles') });
}
const host = () => createLocalDagHost({ root, logger, python, by: 'ci@test' });
const live = () => hashTree(join(root, 'current'));
const records = () => readFileSync(join(root, 'deploys.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('local DAG host', () => {
  it('deploys a full bundle, then a delta that hard-links unchanged files', async () => {
    const v1 = await pack('v1', dagFolder({ count: 20 }));
    const files2 = dagFolder({ count: 20 });
    files2['dags/dag_003.py'] = files2['dags/dag_003.py'].replace('DAG 3', 'DAG 3 changed');
    files2['dags/dag_new.py'] = 'x = 1\n';
    delete (files2 as Record<string, string>)['dags/dag_010.py'];
    const v2 = await pack('v2', files2);
    const h = host();

    expect(await h.currentDigest()).toBeNull();
    const r1 = await h.deploy({ bundle: v1, keep: 5 });
    expect(r1.status).toBe('changed');
    expect(r1.details).toMatchObject({ mode: 'full', compiled: 22 });
    expect(live()).toEqual(manifestHashes(v1.manifest));
    expect(readlinkSync(join(root, 'current'))).toBe(`releases/${v1.digest}`);

    const r2 = await h.deploy({ bundle: v2, keep: 5 });
    expect(r2.details).toMatchObject({ mode: 'delta', filesSent: 2, linked: 22, compileScope: 'changed', compiled: 2 });
    expect(r2.details!.bytesSent as number).toBeLessThan(2_000);
    expect(live()).toEqual(manifestHashes(v2.manifest));
    expect(await h.currentDigest()).toBe(v2.digest);
    // Unchanged files share the inode of the previous release; changed ones do not.
    const ino = (d: string, p: string) => statSync(join(root, 'releases', d, p)).ino;
    expect(ino(v2.digest, 'dags/dag_000.py')).toBe(ino(v1.digest, 'dags/dag_000.py'));
    expect(ino(v2.digest, 'dags/dag_003.py')).not.toBe(ino(v1.digest, 'dags/dag_003.py'));
    expect(readlinkSync(join(root, 'previous'))).toBe(`releases/${v1.digest}`);
    expect(records().map((r) => [r.action, r.digest, r.previous, r.result, r.by])).toEqual([
      ['deploy', v1.digest, '', 'changed', 'ci@test'],
      ['deploy', v2.digest, v1.digest, 'changed', 'ci@test'],
    ]);
  });

  it('compiles every .py of a delta when the python3 changed since the base was compiled, or when asked', async () => {
    const v1 = await pack('v1', dagFolder({ count: 6 }));
    const v2 = await pack('v2', dagFolder({ count: 6, variant: (i) => (i === 2 ? 1 : 0) }));
    const v3 = await pack('v3', dagFolder({ count: 6, variant: (i) => (i === 3 ? 1 : 0) }));
    await host().deploy({ bundle: v1, keep: 5 });
    writeFileSync(join(root, 'manifests', `${v1.digest}.py`), '2.7.18 (an older python)');
    expect((await host().deploy({ bundle: v2, keep: 5 })).details).toMatchObject({ mode: 'delta', filesSent: 1, compiled: 8, compileScope: 'all' });
    const all = createLocalDagHost({ root, logger, python, compileAll: true });
    expect((await all.deploy({ bundle: v3, keep: 5 })).details).toMatchObject({ mode: 'delta', filesSent: 2, compiled: 8, compileScope: 'all' });
  });

  it('fails cleanly, leaving the host as it was, when the bundle tarball is damaged', async () => {
    const v1 = await pack('v1', dagFolder({ count: 3 }));
    const v2 = await pack('v2', dagFolder({ count: 3, variant: () => 1 }));
    const h = host();
    await h.deploy({ bundle: v1, keep: 5 });
    writeFileSync(v2.tarballPath, 'garbage');
    const e = (await h.deploy({ bundle: v2, keep: 5 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EINPUT');
    expect(e.message).toMatch(/cannot be read/);
    expect(live()).toEqual(manifestHashes(v1.manifest));
    expect(existsSync(join(root, '.dataship', 'lock'))).toBe(false);
  });

  it('does nothing when the same digest is deployed again', async () => {
    const v1 = await pack('v1', dagFolder({ count: 3 }));
    const h = host();
    await h.deploy({ bundle: v1, keep: 5 });
    const before = statSync(join(root, 'releases', v1.digest)).mtimeMs;
    const again = await h.deploy({ bundle: v1, keep: 5 });
    expect(again.status).toBe('unchanged');
    expect(statSync(join(root, 'releases', v1.digest)).mtimeMs).toBe(before);
    expect(records()).toHaveLength(1);
  });

  it('refuses a DAG with a syntax error, naming file and line, and keeps the old release live', async () => {
    const good = await pack('good', dagFolder({ count: 3 }));
    const files = dagFolder({ count: 3 });
    files['dags/broken.py'] = 'from airflow import DAG\n\nwith DAG(dag_id="broken" as dag:\n    pass\n';
    const bad = await pack('bad', files);
    const h = host();
    await h.deploy({ bundle: good, keep: 5 });
    const err = await h.deploy({ bundle: bad, keep: 5 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataShipError);
    const e = err as DataShipError;
    expect(e.code).toBe('EDAGCOMPILE');
    expect(e.kind).toBe('input');
    expect(e.location).toMatchObject({ file: 'dags/broken.py', line: 3 });
    expect(e.message).toMatch(/dags\/broken\.py:3: SyntaxError/);
    expect(live()).toEqual(manifestHashes(good.manifest));
    expect(existsSync(join(root, 'releases', bad.digest))).toBe(false);
    expect(readdirSync(join(root, '.dataship', 'incoming'))).toEqual([]);
    expect(records().at(-1)).toMatchObject({ digest: bad.digest, result: 'refused' });
  });

  it('refuses a broken DAG in a full bundle too (first deploy)', async () => {
    const bad = await pack('bad', { 'dags/a.py': 'def f(:\n  pass\n', 'dags/b.py': 'x = (\n' });
    const e = (await host().deploy({ bundle: bad, keep: 5 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EDAGCOMPILE');
    expect(e.problems.map((p) => p.location?.file)).toEqual(['dags/a.py', 'dags/b.py']);
    expect(existsSync(join(root, 'current'))).toBe(false);
  });

  it('rolls back to the previous release with identical files, in one switch', async () => {
    const v1 = await pack('v1', dagFolder({ count: 10 }));
    const v2 = await pack('v2', dagFolder({ count: 10, variant: (i) => (i % 3 === 0 ? 1 : 0) }));
    const h = host();
    await h.deploy({ bundle: v1, keep: 5 });
    await h.deploy({ bundle: v2, keep: 5 });
    const r = await h.activate({ bundleDigest: v1.digest });
    expect(r).toMatchObject({ status: 'changed', details: { previous: v2.digest } });
    expect(live()).toEqual(manifestHashes(v1.manifest));
    expect(records().at(-1)).toMatchObject({ action: 'activate', digest: v1.digest, previous: v2.digest });
    // Redeploying v2 now needs no transfer: its release is still on the host.
    const again = await h.deploy({ bundle: v2, keep: 5 });
    expect(again.details).toMatchObject({ mode: 'existing', bytesSent: 0 });
    expect(live()).toEqual(manifestHashes(v2.manifest));
  });

  it('refuses to roll back to a bundle that is not on the host', async () => {
    const v1 = await pack('v1', dagFolder({ count: 2 }));
    const h = host();
    await h.deploy({ bundle: v1, keep: 5 });
    const e = (await h.activate({ bundleDigest: 'a'.repeat(64) }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EHOST');
    expect(e.message).toMatch(/not on the host/);
    expect(await h.currentDigest()).toBe(v1.digest);
  });

  it('keeps the last N releases, never the current or previous one', async () => {
    const h = host();
    const bundles = [];
    for (let v = 0; v < 5; v++) {
      const b = await pack(`v${v}`, dagFolder({ count: 3, variant: () => v }));
      bundles.push(b);
      await h.deploy({ bundle: b, keep: 2 });
    }
    expect(readdirSync(join(root, 'releases')).sort()).toEqual([bundles[3].digest, bundles[4].digest].sort());
    const kept = (d: string) => [d, `${d}.listing`, `${d}.py`];
    expect(readdirSync(join(root, 'manifests')).sort()).toEqual([...kept(bundles[3].digest), ...kept(bundles[4].digest)].sort());
    // keep 1 still keeps the previous release, so a rollback stays instant.
    const b5 = await pack('v5', dagFolder({ count: 3, variant: () => 5 }));
    await h.deploy({ bundle: b5, keep: 1 });
    expect(readdirSync(join(root, 'releases')).sort()).toEqual([bundles[4].digest, b5.digest].sort());
  });

  it('reports files added, removed or changed by hand on the host', async () => {
    const v1 = await pack('v1', dagFolder({ count: 5 }));
    const h = host();
    await h.deploy({ bundle: v1, keep: 5 });
    expect(await h.drift({ manifest: v1.manifest })).toEqual({ added: [], removed: [], changed: [] });
    const cur = join(root, 'current');
    appendFileSync(join(cur, 'dags/dag_001.py'), '# hotfix by hand\n');
    rmSync(join(cur, 'sql/estat_load.sql'));
    writeFileSync(join(cur, 'dags/hand made.py'), 'x = 1\n');
    expect(await h.drift({ manifest: v1.manifest })).toEqual({ added: ['dags/hand made.py'], removed: ['sql/estat_load.sql'], changed: ['dags/dag_001.py'] });
    // Also against a manifest the host has never seen (it is sent along).
    const other = await pack('other', dagFolder({ count: 4 }));
    const d = await h.drift({ manifest: other.manifest });
    expect(d.removed).toEqual(['sql/estat_load.sql']);
    expect(d.added).toEqual(['dags/dag_004.py', 'dags/hand made.py']);
  });

  it('falls back to the full bundle when the base release was edited in place', async () => {
    const v1 = await pack('v1', dagFolder({ count: 5 }));
    const files2 = dagFolder({ count: 5 });
    files2['dags/dag_000.py'] += '# v2\n';
    const v2 = await pack('v2', files2);
    const h = host();
    await h.deploy({ bundle: v1, keep: 5 });
    appendFileSync(join(root, 'current', 'dags/dag_002.py'), '# edited in place\n');
    const r = await h.deploy({ bundle: v2, keep: 5 });
    expect(r.details).toMatchObject({ mode: 'full' });
    expect(live()).toEqual(manifestHashes(v2.manifest));
    expect(logger.lines.some((l) => /sending the full bundle/.test(l))).toBe(true);
  });

  it('cleans up what a killed run left behind and takes over a stale lock', async () => {
    const v1 = await pack('v1', dagFolder({ count: 3 }));
    const h = host();
    await h.deploy({ bundle: v1, keep: 5 });
    const v2 = await pack('v2', dagFolder({ count: 3, variant: () => 2 }));
    writeTree(join(root, '.dataship'), { 'incoming/x.123/dags/half.py': 'x', 'lock/pid': '999999\n' });
    writeTree(root, { 'releases/.keep': '' });
    rmSync(join(root, 'releases/.keep'));
    await h.deploy({ bundle: v2, keep: 5 });
    expect(readdirSync(join(root, '.dataship', 'incoming'))).toEqual([]);
    expect(existsSync(join(root, '.dataship', 'lock'))).toBe(false);
    expect(live()).toEqual(manifestHashes(v2.manifest));
  });

  it('will not run while a live process holds the lock', async () => {
    const v1 = await pack('v1', dagFolder({ count: 1 }));
    writeTree(join(root, '.dataship'), { 'lock/pid': `${process.pid}\n`, 'lock/start': execFileSync('sh', ['-c', `sed 's/.*) //' /proc/${process.pid}/stat | cut -d' ' -f20`]).toString() });
    const e = (await host().deploy({ bundle: v1, keep: 5 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EHOST');
    expect(e.message).toMatch(/another deploy is running on this host \(pid \d+\)/);
    expect(existsSync(join(root, 'current'))).toBe(false);
  });
});

describe('host script portability', () => {
  it('deploys, rolls back and checks drift on a host that has only busybox and python3', async () => {
    const bin = join(work, 'bin');
    const applets = 'sh awk base64 basename cat cmp cp cut date expr find grep gzip head ln ls mkdir mv readlink rm sed sha256sum sort tail tar touch tr wc xargs';
    execFileSync('sh', ['-c', `mkdir -p "$1" && for a in ${applets}; do ln -s "$(command -v busybox)" "$1/$a"; done && ln -s "$2" "$1/python3"`, 'x', bin, python]);
    const env = { PATH: bin, HOME: work };
    const v1 = await pack('v1', dagFolder({ count: 6 }));
    const files2 = dagFolder({ count: 6 });
    files2['dags/dag_002.py'] += '# v2\n';
    const v2 = await pack('v2', files2);
    const h = createLocalDagHost({ root, logger, env });
    expect((await h.deploy({ bundle: v1, keep: 5 })).details).toMatchObject({ mode: 'full' });
    expect((await h.deploy({ bundle: v2, keep: 5 })).details).toMatchObject({ mode: 'delta', filesSent: 1 });
    expect(live()).toEqual(manifestHashes(v2.manifest));
    await h.activate({ bundleDigest: v1.digest });
    expect(live()).toEqual(manifestHashes(v1.manifest));
    appendFileSync(join(root, 'current', 'dags/dag_001.py'), '#\n');
    expect(await h.drift({ manifest: v1.manifest })).toEqual({ added: [], removed: [], changed: ['dags/dag_001.py'] });
    const bad = await pack('bad', { 'dags/x.py': 'if True\n    pass\n' });
    const e = (await h.deploy({ bundle: bad, keep: 5 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.location).toMatchObject({ file: 'dags/x.py', line: 1 });
  });
});

describe("the reference platform's DAG folder", () => {
  it('bundles airflow-dags/ with its helper package and deploys it (every .py compiles)', async () => {
    const { fileURLToPath } = await import('node:url');
    const dir = fileURLToPath(new URL('../../../airflow-dags', import.meta.url));
    const b = await packDagBundle({ dir, outDir: join(work, 'bundles') });
    const paths = Object.keys(b.manifest.files);
    expect(paths.some((p) => p.startsWith('estat_common/'))).toBe(true);
    expect(paths.filter((p) => p.startsWith('tests/') || p.endsWith('.md'))).toEqual([]);
    const r = await host().deploy({ bundle: b, keep: 5 });
    expect(r.details).toMatchObject({ mode: 'full', compiled: paths.filter((p) => p.endsWith('.py')).length });
    expect(live()).toEqual(manifestHashes(b.manifest));
  });
});

describe('payload integrity', () => {
  it('refuses a payload whose sha256 does not match (an upload cut short) and changes nothing', async () => {
    const { createLocalChannel } = await import('./local.js');
    const v1 = await pack('v1', dagFolder({ count: 2 }));
    const ch = createLocalChannel({ root, python });
    const { readFileSync: read } = await import('node:fs');
    const whole = read(v1.tarballPath);
    const cut = whole.subarray(0, whole.length - 100);
    const { createHash } = await import('node:crypto');
    const run = await ch.run({ args: ['deploy', '--root', root, '--digest', v1.digest], payload: { data: cut, sha256: createHash('sha256').update(whole).digest('hex'), size: cut.length } });
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/error=bundle checksum mismatch/);
    expect(existsSync(join(root, 'current'))).toBe(false);
    expect(readdirSync(join(root, 'releases'))).toEqual([]);
    expect(readdirSync(join(root, '.dataship', 'incoming'))).toEqual([]);
  });
});
