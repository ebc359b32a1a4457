import { describe, expect, it } from 'vitest';
import { decideGate } from './gate.js';
import type { Release, PointerMove } from './release.js';
import type { GateConfig } from './config/model.js';

const policy: GateConfig = { requireTestedDigest: true, requiredChecks: ['dbt-tests'], allowSkipped: false };
const rel = (checks: Release['checks']): Release => ({
  id: 'r-1',
  gitSha: 'a',
  createdAt: '',
  image: { repository: 'x', digest: 'sha256:aaa', runtimeDigest: null },
  dags: { bundleDigest: 'b', files: 1 },
  dbt: { projectDigest: 'c' },
  checks,
});
const ptr = (releaseId: string): PointerMove => ({ env: 'dev', releaseId, previousReleaseId: null, at: '', by: 'x', action: 'deploy', version: 1 });

describe('decideGate', () => {
  it('allows a release that dev runs and whose tested digest is the one promoted', () => {
    const d = decideGate({ release: rel({ 'dev/dbt-tests': { status: 'pass', digest: 'sha256:aaa' } }), sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy });
    expect(d.allowed).toBe(true);
  });
  it('refuses when the tested digest differs (identity)', () => {
    const d = decideGate({ release: rel({ 'dev/dbt-tests': { status: 'pass', digest: 'sha256:bbb' } }), sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy });
    expect(d.allowed).toBe(false);
    expect(d.rules.find((r) => r.rule === 'identity')?.ok).toBe(false);
  });
  it('refuses when dev runs another release, or the check never ran, or it failed', () => {
    expect(decideGate({ release: rel({ 'dev/dbt-tests': { status: 'pass', digest: 'sha256:aaa' } }), sourceEnv: 'dev', sourcePointer: ptr('r-0'), policy }).allowed).toBe(false);
    expect(decideGate({ release: rel({}), sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy }).allowed).toBe(false);
    expect(decideGate({ release: rel({ 'dev/dbt-tests': { status: 'fail', digest: 'sha256:aaa' } }), sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy }).allowed).toBe(false);
  });
  it('never counts a skipped check as passed unless the policy allows skips', () => {
    const r = rel({ 'dev/dbt-tests': { status: 'skipped', summary: 'dbt is not installed', digest: 'sha256:aaa' } });
    const refused = decideGate({ release: r, sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy });
    expect(refused.allowed).toBe(false);
    expect(refused.rules.map((x) => x.message).join('\n')).toContain('did not run in dev: dbt is not installed');
    expect(decideGate({ release: r, sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy: { ...policy, allowSkipped: true } }).allowed).toBe(true);
  });
  it('records an override with who and why, keeping the failed rules', () => {
    const d = decideGate({ release: rel({}), sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy, override: { by: 'alice', reason: 'hotfix' } });
    expect(d).toMatchObject({ allowed: true, override: { by: 'alice', reason: 'hotfix' } });
    expect(d.rules.some((r) => !r.ok)).toBe(true);
  });
  it('counts warnings against maxWarnings', () => {
    const d = decideGate({ release: rel({ 'dev/dbt-tests': { status: 'warn', warnings: 3, digest: 'sha256:aaa' } }), sourceEnv: 'dev', sourcePointer: ptr('r-1'), policy: { ...policy, maxWarnings: 2 } });
    expect(d.allowed).toBe(false);
  });
});
