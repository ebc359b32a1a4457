import { describe, expect, it } from 'vitest';
import {
  bundleDigest,
  bundlePathProblem,
  buildTarGz,
  canonicalManifest,
  compactListing,
  diffManifests,
  isIgnored,
  isNotNeededByAirflow,
  parseCompactListing,
  parseIgnoreFile,
  parseManifest,
  planDelta,
  readTarGz,
  sha256Hex,
  wildmatchToRegex,
  type DagManifest,
} from './index.js';

const h = (s: string) => sha256Hex(s);
const m = (files: Record<string, string>, mode = 0o644): DagManifest => ({
  files: Object.fromEntries(Object.entries(files).map(([p, c]) => [p, { sha256: h(c), size: c.length, mode }])),
});

describe('manifest and digest', () => {
  it('is canonical: byte-sorted lines, digest independent of insertion order', () => {
    const a = m({ 'b.py': 'b', 'a.py': 'a', 'a/x.py': 'x', 'Z.sql': 'z' });
    const b = m({ 'Z.sql': 'z', 'a/x.py': 'x', 'b.py': 'b', 'a.py': 'a' });
    expect(bundleDigest(a)).toBe(bundleDigest(b));
    expect(canonicalManifest(a).split('\n').map((l) => l.split('\t')[0])).toEqual(['Z.sql', 'a.py', 'a/x.py', 'b.py', '']);
    expect(canonicalManifest(a).split('\n')[0]).toBe(`Z.sql\t${h('z')}\t644\t1`);
    expect(bundleDigest(a)).toBe(sha256Hex(canonicalManifest(a)));
    expect(bundleDigest(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when content, path or mode changes', () => {
    const base = bundleDigest(m({ 'a.py': 'a' }));
    expect(bundleDigest(m({ 'a.py': 'A' }))).not.toBe(base);
    expect(bundleDigest(m({ 'b.py': 'a' }))).not.toBe(base);
    expect(bundleDigest(m({ 'a.py': 'a' }, 0o755))).not.toBe(base);
  });

  it('round-trips through its text and rejects malformed lines', () => {
    const a = m({ 'dags/é x.py': 'x', 'a.py': 'a' });
    expect(parseManifest(canonicalManifest(a))).toEqual(a);
    expect(() => parseManifest('a.py\tnothex\t644\t1\n')).toThrow(/line 1/);
  });

  it('rejects paths the host could not handle', () => {
    expect(bundlePathProblem('dags/a.py')).toBeNull();
    expect(bundlePathProblem('dags/a b.py')).toBeNull();
    expect(bundlePathProblem('dags/a\nb.py')).toMatch(/control/);
    expect(bundlePathProblem('dags\\a.py')).toMatch(/backslash/);
    expect(bundlePathProblem('../a.py')).toMatch(/\.\./);
    expect(bundlePathProblem('/a.py')).toMatch(/absolute/);
  });

  it('diffs manifests', () => {
    const d = diffManifests({ from: m({ 'a.py': '1', 'b.py': '2', 'c.py': '3' }), to: m({ 'a.py': '1', 'b.py': '22', 'd.py': '4' }) });
    expect(d).toEqual({ added: ['d.py'], removed: ['c.py'], changed: ['b.py'], unchanged: ['a.py'] });
  });
});

describe('delta planning', () => {
  it('sends only changed and added files; the patch rebuilds the manifest', () => {
    const from = m({ 'a.py': '1', 'b.py': '2', 'c.py': '3', 'x/y.sql': 'y' });
    const to = m({ 'a.py': '1', 'b.py': '22', 'd.py': '4', 'x/y.sql': 'y' });
    const plan = planDelta({ base: parseCompactListing(compactListing(from)), to });
    expect(plan.send).toEqual(['b.py', 'd.py']);
    expect(plan.removed).toEqual(['c.py']);
    expect(plan.linked).toBe(2);
    // What the host's awk does: drop patched paths from the base, add the new lines, sort.
    const drop = new Set(plan.patch.split('\n').filter(Boolean).map((l) => l.slice(1).split('\t')[0]));
    const kept = canonicalManifest(from).split('\n').filter((l) => l && !drop.has(l.split('\t')[0]));
    const added = plan.patch.split('\n').filter((l) => l.startsWith('+')).map((l) => l.slice(1));
    const rebuilt = [...kept, ...added].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((l) => `${l}\n`).join('');
    expect(sha256Hex(rebuilt)).toBe(bundleDigest(to));
  });

  it('treats a mode change as a change', () => {
    const plan = planDelta({ base: parseCompactListing(compactListing(m({ 'run.sh': 'x' }))), to: m({ 'run.sh': 'x' }, 0o755) });
    expect(plan.send).toEqual(['run.sh']);
  });
});

describe('.airflowignore (regexp syntax, Airflow default)', () => {
  const rules = parseIgnoreFile({ text: 'scratch\n^tests/  # unit tests\n\n# comment\n_old\\.py$\n[invalid\n', syntax: 'regexp', dir: '', file: '.airflowignore' });
  const ign = (path: string, isDir = false) => isIgnored({ rules: rules.rules, path, isDir });
  it('searches each pattern anywhere in the path relative to the DAG root', () => {
    expect(ign('scratch', true)).toBe(true);
    expect(ign('dags/my_scratch_dag.py')).toBe(true);
    expect(ign('tests', true)).toBe(false); // "^tests/" needs the slash
    expect(ign('tests/test_x.py')).toBe(true);
    expect(ign('dags/tests/x.py')).toBe(false);
    expect(ign('dags/a_old.py')).toBe(true);
    expect(ign('dags/a_old.pyc')).toBe(false);
    expect(ign('dags/a.py')).toBe(false);
  });
  it('skips invalid patterns with a warning that names the line', () => {
    expect(rules.warnings).toHaveLength(1);
    expect(rules.warnings[0].location).toEqual({ file: '.airflowignore', line: 6 });
  });
});

describe('.airflowignore (glob syntax)', () => {
  const parse = (text: string, dir = '') => parseIgnoreFile({ text, syntax: 'glob', dir, file: `${dir ? `${dir}/` : ''}.airflowignore` }).rules;
  it('matches slash-less patterns against the name at any depth, anchored ones from the file', () => {
    const rules = parse('*.tmp\n/build\ndocs/*.md\nlogs/\n!keep.tmp\n', '');
    const ign = (path: string, isDir = false) => isIgnored({ rules, path, isDir });
    expect(ign('a.tmp')).toBe(true);
    expect(ign('dags/deep/b.tmp')).toBe(true);
    expect(ign('dags/keep.tmp')).toBe(false); // negation, last match wins
    expect(ign('build', true)).toBe(true);
    expect(ign('dags/build', true)).toBe(false);
    expect(ign('docs/x.md')).toBe(true);
    expect(ign('docs/sub/x.md')).toBe(false);
    expect(ign('logs', true)).toBe(true);
    expect(ign('logs')).toBe(false); // a file named logs is not a folder
  });
  it('anchors patterns of a nested .airflowignore at its own folder', () => {
    const rules = parse('/old\n', 'dags');
    expect(isIgnored({ rules, path: 'dags/old', isDir: true })).toBe(true);
    expect(isIgnored({ rules, path: 'old', isDir: true })).toBe(false);
  });
  it('translates wildmatch like pathspec', () => {
    expect(wildmatchToRegex('**/foo')!.regex.test('a/b/foo')).toBe(true);
    expect(wildmatchToRegex('a/**/b')!.regex.test('a/x/y/b')).toBe(true);
    expect(wildmatchToRegex('a/**/b')!.regex.test('a/b')).toBe(true);
    expect(wildmatchToRegex('f[!0-9]o')!.regex.test('fxo')).toBe(true);
    expect(wildmatchToRegex('f[!0-9]o')!.regex.test('f1o')).toBe(false);
    expect(wildmatchToRegex('[]x]')!.regex.test(']')).toBe(true);
    expect(wildmatchToRegex('\\#a')!.regex.test('#a')).toBe(true);
    expect(wildmatchToRegex('# comment')).toBeNull();
  });
});

describe('files Airflow does not need', () => {
  it('drops caches and litter, keeps templates and helpers', () => {
    expect(isNotNeededByAirflow({ name: '__pycache__', isDir: true })).toBe(true);
    expect(isNotNeededByAirflow({ name: '.git', isDir: true })).toBe(true);
    expect(isNotNeededByAirflow({ name: 'x.pyc', isDir: false })).toBe(true);
    expect(isNotNeededByAirflow({ name: '.x.py.swp', isDir: false })).toBe(true);
    for (const keep of ['x.py', 'q.sql', 'c.yaml', 'README.md', '.airflowignore', 'run.sh']) expect(isNotNeededByAirflow({ name: keep, isDir: false })).toBe(false);
    expect(isNotNeededByAirflow({ name: 'tests', isDir: true })).toBe(false);
  });
});

describe('tarballs', () => {
  it('are byte-for-byte deterministic and read back', async () => {
    const files = [
      { name: 'manifest', data: Buffer.from('m'), mode: 0o644 },
      { name: `dags/${'long/'.repeat(40)}é.py`, data: Buffer.from('x = 1\n'), mode: 0o755 },
    ];
    const a = await buildTarGz(files);
    const b = await buildTarGz(files);
    expect(a.equals(b)).toBe(true);
    const back = await readTarGz(a);
    expect([...back.keys()]).toEqual(files.map((f) => f.name));
    expect(back.get(files[1].name)).toMatchObject({ mode: 0o755, data: Buffer.from('x = 1\n') });
  });
});

describe('importedTopLevelNames', () => {
  it('finds the top-level modules a Python file imports', async () => {
    const { importedTopLevelNames } = await import('./imports.js');
    const src = [
      'from estat_common.defaults import default_args',
      'import os, json as j',
      'import a.b.c',
      'from . import sibling',
      'from airflow import (',
      '    DAG,',
      ')',
      'def f():',
      '    import helpers_late  # inside a function',
      '# import commented_out',
      'x = 1; import after_semicolon',
    ].join('\n');
    expect([...importedTopLevelNames(src)].sort()).toEqual(['a', 'airflow', 'estat_common', 'helpers_late', 'json', 'os'].sort());
  });
});
