import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExecutable } from './find-executable.js';
import { dbtArgv, errorExcerpt } from './local-runner.js';

describe('dbtArgv', () => {
  it('appends target, project, profiles, target and log paths to artifact commands', () => {
    expect(dbtArgv({ args: ['build', '--select', 'state:modified+'], target: 'dev', projectDir: '/p', artifactsDir: '/a' })).toEqual([
      'build', '--select', 'state:modified+', '--target', 'dev', '--project-dir', '/p', '--profiles-dir', '/p', '--target-path', '/a', '--log-path', '/a',
    ]);
    expect(dbtArgv({ args: ['docs', 'generate'], target: 't', projectDir: '/p', artifactsDir: '/a' })).toContain('--target-path');
  });
  it('leaves --target-path off deps, debug and init, and everything off a bare --version', () => {
    for (const sub of ['deps', 'debug', 'init']) expect(dbtArgv({ args: [sub], target: 't', projectDir: '/p', artifactsDir: '/a' })).not.toContain('--target-path');
    expect(dbtArgv({ args: ['--version'], target: 't', projectDir: '/p', artifactsDir: '/a' })).toEqual(['--version']);
  });
});

describe('errorExcerpt', () => {
  it("takes dbt's last 'Encountered an error' block as one line", () => {
    const lines = ['12:00:00  Running with dbt=1.9.4', '12:00:01  Encountered an error:', 'Runtime Error', "  Could not find profile named 'estat'"];
    expect(errorExcerpt(lines)).toBe("Encountered an error: Runtime Error Could not find profile named 'estat'");
  });
  it('falls back to the last line naming an error, then to the last line, and caps the length', () => {
    expect(errorExcerpt(['a', 'Traceback (most recent call last):', '  File "x.py"', 'b'])).toBe('Traceback (most recent call last): File "x.py" b');
    expect(errorExcerpt(['just this'])).toBe('just this');
    expect(errorExcerpt([])).toBeUndefined();
    expect(errorExcerpt(['error ' + 'x'.repeat(1000)])!.length).toBe(400);
  });
});

describe('findExecutable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'find-exe-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(join(a, 'dbt'), 'not executable');
  mkdirSync(join(a, 'tool'));
  writeFileSync(join(b, 'dbt'), '#!/bin/sh\n');
  chmodSync(join(b, 'dbt'), 0o755);

  it('skips non-executable files and directories, in PATH order', async () => {
    expect(await findExecutable({ name: 'dbt', env: { PATH: `${a}:${b}` } })).toBe(join(b, 'dbt'));
    expect(await findExecutable({ name: 'tool', env: { PATH: a } })).toBeNull();
    expect(await findExecutable({ name: 'dbt', env: {} })).toBeNull();
  });
  it('accepts a path', async () => {
    expect(await findExecutable({ name: join(b, 'dbt'), env: {} })).toBe(join(b, 'dbt'));
    expect(await findExecutable({ name: join(a, 'dbt'), env: {} })).toBeNull();
  });
});
