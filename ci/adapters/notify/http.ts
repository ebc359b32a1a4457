/** A JSON request with a timeout and a few retries on 429/5xx (honouring Retry-After). */
import { setTimeout as sleep } from 'node:timers/promises';
import { DataShipError } from '../../core/errors.js';

export async function requestJson(opts: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  operation: string;
  timeoutMs?: number;
  attempts?: number;
}): Promise<{ status: number; json: unknown }> {
  const attempts = opts.attempts ?? 3;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await fetch(opts.url, {
        method: opts.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...opts.headers },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      if (res.status === 429 || res.status >= 500) {
        last = new Error(`HTTP ${res.status}`);
        const retryAfter = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 200 * 2 ** i);
        continue;
      }
      if (res.status >= 400) throw new DataShipError({ code: 'ENOTIFY', message: `${opts.operation}: HTTP ${res.status}`, operation: opts.operation, hint: 'check the token or webhook and its permissions' });
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json };
    } catch (err) {
      if (err instanceof DataShipError) throw err;
      last = err;
      await sleep(200 * 2 ** i);
    }
  }
  throw new DataShipError({ code: 'ENOTIFY', message: `${opts.operation} failed after ${attempts} attempts`, operation: opts.operation, cause: last, hint: 'the run itself is unaffected; check the endpoint' });
}
