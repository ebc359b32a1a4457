import { describe, expect, it } from 'vitest';
import { DataShipError } from '../../core/errors.js';
import { TransientError, backoffDelay, isNetworkError, isRetryableStatus, parseRetryAfter, withRetry } from './retry.js';

const policy = { retries: 3, minDelayMs: 1, maxDelayMs: 8 };

describe('retry policy', () => {
  it('retries 429 and 5xx but not other statuses', () => {
    for (const s of [429, 500, 502, 503, 504]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 501]) expect(isRetryableStatus(s)).toBe(false);
  });
  it('parses Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
  it('backs off exponentially up to the cap, and honours Retry-After within it', () => {
    const p = { retries: 10, minDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay({ attempt: 1, policy: p, random: () => 1 })).toBe(100);
    expect(backoffDelay({ attempt: 3, policy: p, random: () => 1 })).toBe(400);
    expect(backoffDelay({ attempt: 9, policy: p, random: () => 1 })).toBe(1000);
    expect(backoffDelay({ attempt: 1, policy: p, random: () => 0, retryAfterMs: 700 })).toBe(700);
    expect(backoffDelay({ attempt: 1, policy: p, random: () => 0, retryAfterMs: 60_000 })).toBe(1000);
  });
  it('recognises dropped connections, also wrapped as fetch failures', () => {
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isNetworkError(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }))).toBe(true);
    expect(isNetworkError(new Error('nope'))).toBe(false);
  });
});

describe('withRetry', () => {
  it('retries transient failures until one succeeds', async () => {
    let n = 0;
    const seen: number[] = [];
    const out = await withRetry({
      policy,
      run: async () => {
        if (++n < 3) throw new TransientError('503', 503);
        return 'ok';
      },
      onRetry: ({ attempt }) => seen.push(attempt),
    });
    expect(out).toBe('ok');
    expect(seen).toEqual([1, 2]);
  });
  it('gives up after the retries and rethrows the last failure', async () => {
    let n = 0;
    await expect(withRetry({ policy, run: async () => { n++; throw new TransientError('429', 429); } })).rejects.toThrow('429');
    expect(n).toBe(4);
  });
  it('does not retry a permanent failure', async () => {
    let n = 0;
    await expect(withRetry({ policy, run: async () => { n++; throw new DataShipError({ code: 'EREGISTRY', message: 'denied' }); } })).rejects.toThrow('denied');
    expect(n).toBe(1);
  });
});
