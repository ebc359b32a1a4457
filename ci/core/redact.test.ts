import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

describe('Redactor', () => {
  it('masks registered secrets, longest first, and their encoded forms', () => {
    const r = new Redactor();
    r.add('s3cr3t-token');
    r.add('s3cr3t-token-longer');
    expect(r.redact('a s3cr3t-token-longer b s3cr3t-token')).toBe('a *** b ***');
    expect(r.redact(Buffer.from('s3cr3t-token').toString('base64'))).toBe('***');
  });
  it('masks each line of a multi-line secret', () => {
    const r = new Redactor();
    r.add('-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\n-----END KEY-----');
    expect(r.redact('line: AAAABBBBCCCCDDDD')).toBe('line: ***');
  });
  it('ignores very short values and escapes regexp characters', () => {
    const r = new Redactor();
    r.add('ab');
    r.add('a.b*c(d)');
    expect(r.redact('ab axbyc a.b*c(d)')).toBe('ab axbyc ***');
  });
  it('tells listeners about secrets registered before and after', () => {
    const r = new Redactor();
    r.add('first-secret');
    const seen: string[] = [];
    r.onSecret((s) => seen.push(s));
    r.add('second-secret');
    expect(seen).toContain('first-secret');
    expect(seen).toContain('second-secret');
  });
});
