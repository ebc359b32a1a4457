import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataShipError } from '../../core/errors.js';
import { writeTree } from '../../../test/support/dag-fixtures.js';
import { bundleDigest, bundleFiles, canonicalManifest, sha256Hex } from './index.js';
import { packDagBundle } from './pack.js';

let work: string;
beforeEach(() => (work = mkdtempSync(join(tmpdir(), 'dags-pack-'))));
afterEach(() => rmSync(work, { recursive: true, force: true }));

const tree = {
  '.airflowignore': 'scratch\n_wip\\.py$\n',
  'dags/a.py': 'a = 1\n',
  'dags/b_wip.py': 'broken(\n',
  'dags/__pycache__/a.cpython-311.pyc': 'bytecode',
  'dags/c.pyc': 'bytecode',
  'dags/sql/load.sql': 'select 1\n',
  'dags/config.yaml': 'k: v\n',
  'scratch/notes.py': 'x',
  'helpers/__init__.py': '',
  'helpers/sub/.airflowignore': 'fixtures\n',
  'helpers/sub/fixtures/big.json': '{}',
  'helpers/sub/util.py': 'def f():\n    return 1\n',
  '.git/HEAD': 'ref',
};

describe('packDagBundle', () => {
  it('keeps what Airflow needs, drops ignored and unneeded files', async () => {
    const dir = join(work, 'src');
    writeTree(dir, tree);
    const b = await packDagBundle({ dir, outDir: join(work, 'out') });
    expect(Object.keys(b.manifest.files).sort()).toEqual(['.airflowignore', 'dags/a.py', 'dags/config.yaml', 'dags/sql/load.sql', 'helpers/__init__.py', 'helpers/sub/.airflowignore', 'helpers/sub/util.py']);
    expect(b.excluded.sort()).toEqual(['.git/', 'dags/__pycache__/', 'dags/b_wip.py', 'dags/c.pyc', 'helpers/sub/fixtures/', 'scratch/']);
    expect(b.manifest.files['dags/a.py']).toEqual({ sha256: sha256Hex('a = 1\n'), size: 6, mode: 0o644 });
    expect(b.digest).toBe(bundleDigest(b.manifest));
    expect(b.tarballPath).toBe(join(work, 'out', `${b.digest}.tar.gz`));
    expect(JSON.parse(readFileSync(bundleFiles({ dir: join(work, 'out'), digest: b.digest }).manifestPath, 'utf8'))).toEqual(b.manifest);
    // GNU tar reads it: the manifest first, then dags/<path>, owned by 0:0 with mtime 0.
    const listing = execFileSync('tar', ['-tvzf', b.tarballPath]).toString().trim().split('\n');
    expect(listing[0]).toMatch(/^-rw-r--r-- 0\/0 .* 1970-01-01 00:00 manifest$/);
    expect(listing.slice(1).map((l) => l.split(' ').at(-1))).toEqual(Object.keys(b.manifest.files).sort().map((p) => `dags/${p}`));
    expect(execFileSync('tar', ['-xOzf', b.tarballPath, 'manifest']).toString()).toBe(canonicalManifest(b.manifest));
  });

  it('is deterministic: same content gives the same bytes whatever the mtimes and modes', async () => {
    const d1 = join(work, 'one');
    const d2 = join(work, 'two');
    writeTree(d1, tree);
    writeTree(d2, tree);
    utimesSync(join(d2, 'dags/a.py'), 1000, 1000);
    chmodSync(join(d2, 'dags/a.py'), 0o600);
    const a = await packDagBundle({ dir: d1, outDir: join(work, 'o1') });
    const b = await packDagBundle({ dir: d2, outDir: join(work, 'o2') });
    expect(a.digest).toBe(b.digest);
    expect(readFileSync(a.tarballPath).equals(readFileSync(b.tarballPath))).toBe(true);
    chmodSync(join(d2, 'dags/a.py'), 0o755);
    const c = await packDagBundle({ dir: d2, outDir: join(work, 'o3') });
    expect(c.manifest.files['dags/a.py'].mode).toBe(0o755);
    expect(c.digest).not.toBe(a.digest);
  });

  it('follows symlinks like Airflow, and reports a loop', async () => {
    const dir = join(work, 'src');
    writeTree(dir, { 'dags/a.py': 'a\n' });
    writeTree(join(work, 'shared'), { 'lib.py': 'l\n' });
    symlinkSync(join(work, 'shared'), join(dir, 'dags', 'lib'));
    const b = await packDagBundle({ dir, outDir: join(work, 'out') });
    expect(Object.keys(b.manifest.files).sort()).toEqual(['dags/a.py', 'dags/lib/lib.py']);
    // Airflow refuses a folder reached twice (a loop); so does the bundle.
    symlinkSync('..', join(work, 'shared', 'up'));
    const e = (await packDagBundle({ dir, outDir: join(work, 'out') }).catch((x: unknown) => x)) as DataShipError;
    expect(e).toBeInstanceOf(DataShipError);
    expect(e.message).toMatch(/symlink loop/);
  });

  it('refuses file names the host cannot handle, and a missing folder', async () => {
    const dir = join(work, 'src');
    mkdirSync(dir);
    writeTree(dir, { 'dags/bad\\name.py': 'x' });
    const e = (await packDagBundle({ dir, outDir: join(work, 'out') }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EINPUT');
    expect(e.problems[0].location?.file).toBe(join(dir, 'dags/bad\\name.py'));
    const m = (await packDagBundle({ dir: join(work, 'nope'), outDir: work }).catch((x: unknown) => x)) as DataShipError;
    expect(m.code).toBe('ENOTFOUND');
  });

  it('keeps a helper package that .airflowignore lists when DAG files import it, transitively', async () => {
    const dir = join(work, 'src');
    writeTree(dir, {
      '.airflowignore': 'estat_common/\nestat_extra\\.py$\nunused_pkg/\ntests/\n.*\\.md$\n',
      'estat_ingest.py': 'from airflow import DAG\nfrom estat_common.defaults import default_args\n',
      'estat_common/__init__.py': '',
      'estat_common/defaults.py': 'import estat_extra\ndefault_args = {}\n',
      'estat_common/__pycache__/defaults.cpython-311.pyc': 'x',
      'estat_extra.py': 'X = 1\n',
      'unused_pkg/__init__.py': '',
      'tests/test_dags.py': 'import estat_common\nimport unused_pkg\n',
      'README.md': '# docs\n',
    });
    const b = await packDagBundle({ dir, outDir: join(work, 'out') });
    expect(Object.keys(b.manifest.files).sort()).toEqual(['.airflowignore', 'estat_common/__init__.py', 'estat_common/defaults.py', 'estat_extra.py', 'estat_ingest.py']);
    expect(b.keptForImports.sort()).toEqual(['estat_common/__init__.py', 'estat_common/defaults.py', 'estat_extra.py']);
    // Regexp syntax matches 'tests/' against file paths (tests/x.py), not the folder name itself.
    expect(b.excluded.sort()).toEqual(['README.md', 'estat_common/__pycache__/', 'tests/test_dags.py', 'unused_pkg/__init__.py']);
  });

  it('applies glob syntax when asked', async () => {
    const dir = join(work, 'src');
    writeTree(dir, { '.airflowignore': '*.md\n!KEEP.md\n', 'a.md': '', 'KEEP.md': '', 'x.py': '' });
    const b = await packDagBundle({ dir, outDir: join(work, 'out'), ignoreSyntax: 'glob' });
    expect(Object.keys(b.manifest.files).sort()).toEqual(['.airflowignore', 'KEEP.md', 'x.py']);
  });
});
