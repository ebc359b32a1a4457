import { describe, expect, it } from 'vitest';
import { digestHex, isDigest, sha256Digest } from './digest.js';
import { runtimeInputsDigest, runtimeTagFor } from './runtime-inputs.js';

describe('runtimeInputsDigest', () => {
  const files = [
    { path: 'dbt/Dockerfile', content: 'FROM python:3.11-slim\n' },
    { path: 'dbt/requirements.txt', content: 'dbt-core==1.8.0\n' },
  ];
  it('is independent of the order the files are listed in', () => {
    expect(runtimeInputsDigest({ files: [...files].reverse() })).toBe(runtimeInputsDigest({ files }));
  });
  it('changes with a file content or a path', () => {
    const base = runtimeInputsDigest({ files });
    expect(runtimeInputsDigest({ files: [files[0], { ...files[1], content: 'dbt-core==1.9.0\n' }] })).not.toBe(base);
    expect(runtimeInputsDigest({ files: [files[0], { ...files[1], path: 'dbt/requirements-dev.txt' }] })).not.toBe(base);
  });
  it('does not confuse where one file ends and the next begins', () => {
    const a = runtimeInputsDigest({ files: [{ path: 'a', content: 'xb' }, { path: 'c', content: '' }] });
    const b = runtimeInputsDigest({ files: [{ path: 'a', content: 'x' }, { path: 'bc', content: '' }] });
    expect(a).not.toBe(b);
  });
  it('normalises ./ and backslashes, and rejects a file listed twice', () => {
    expect(runtimeInputsDigest({ files: [{ path: './dbt\\Dockerfile', content: 'x' }] })).toBe(runtimeInputsDigest({ files: [{ path: 'dbt/Dockerfile', content: 'x' }] }));
    expect(() => runtimeInputsDigest({ files: [files[0], files[0]] })).toThrow(/twice/);
  });
  it('gives the runtime tag from its first 16 hex characters', () => {
    const d = runtimeInputsDigest({ files });
    expect(runtimeTagFor({ inputsDigest: d })).toBe(`runtime-${digestHex(d).slice(0, 16)}`);
    expect(runtimeTagFor({ inputsDigest: d })).toMatch(/^runtime-[a-f0-9]{16}$/);
  });
});

describe('digest helpers', () => {
  it('recognises sha256 digests only', () => {
    expect(isDigest(sha256Digest('x'))).toBe(true);
    expect(isDigest('sha256:abc')).toBe(false);
    expect(isDigest('latest')).toBe(false);
    expect(() => digestHex('latest')).toThrow();
  });
});
