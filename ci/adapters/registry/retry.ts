/**
 * Retries with exponential backoff and full jitter for transient registry failures: 429, 5xx and
 * dropped connections. `Retry-After` is honoured up to the maximum delay.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, minDelayMs: 200, maxDelayMs: 10_000 };

/** A failure worth trying again; `retryAfterMs` comes from the server when it said. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransientError';
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The delay before attempt `attempt` (1-based retry number). */
export function backoffDelay(opts: { attempt: number; policy: RetryPolicy; retryAfterMs?: number; random?: () => number }): number {
  const cap = Math.min(opts.policy.maxDelayMs, opts.policy.minDelayMs * 2 ** (opts.attempt - 1));
  const jittered = Math.round((opts.random ?? Math.random)() * cap);
  if (opts.retryAfterMs !== undefined) return Math.min(opts.policy.maxDelayMs, Math.max(jittered, opts.retryAfterMs));
  return Math.max(opts.policy.minDelayMs / 2, jittered);
}

/** True for network-level failures (reset, refused, socket closed) that a new attempt may fix. */
export function isNetworkError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: string }).code;
    if (code && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|ERR_STREAM_PREMATURE_CLOSE)$/.test(code)) return true;
    if (e instanceof TypeError && /fetch failed|terminated/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Runs `fn` until it succeeds, a non-transient error is thrown, or the retries are spent. */
export async function withRetry<T>(opts: {
  policy: RetryPolicy;
  run: (attempt: number) => Promise<T>;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await opts.run(attempt);
    } catch (err) {
      const transient = err instanceof TransientError || isNetworkError(err);
      if (!transient || attempt >= opts.policy.retries) throw err;
      const delayMs = backoffDelay({ attempt: attempt + 1, policy: opts.policy, retryAfterMs: err instanceof TransientError ? err.retryAfterMs : undefined });
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}
