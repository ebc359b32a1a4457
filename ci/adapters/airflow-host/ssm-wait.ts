/**
 * Waiting for an SSM Run Command invocation, with a cap. `GetCommandInvocation` can answer
 * `InvocationDoesNotExist` right after SendCommand (retried), throttles under load (retried with a
 * growing delay), and reports Pending/InProgress/Delayed/Cancelling until the command ends.
 */
import { DataShipError } from '../../core/errors.js';

export interface Invocation {
  Status?: string;
  StatusDetails?: string;
  ResponseCode?: number;
  StandardOutputContent?: string;
  StandardErrorContent?: string;
}

export const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);

function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; $retryable?: { throttling?: boolean } };
  return e?.$retryable?.throttling ? 'Throttling' : (e?.name ?? e?.Code ?? '');
}
const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

export async function waitForInvocation(opts: {
  get: () => Promise<Invocation>;
  commandId: string;
  instanceId: string;
  timeoutMs: number;
  pollMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onStatus?: (status: string) => void;
}): Promise<Invocation> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  let delay = opts.pollMs;
  let last = 'not yet visible';
  for (;;) {
    try {
      const inv = await opts.get();
      const status = inv.Status ?? 'Pending';
      if (status !== last) opts.onStatus?.(status);
      last = status;
      if (TERMINAL.has(status)) return inv;
      delay = opts.pollMs;
    } catch (err) {
      const name = errorName(err);
      if (name === 'InvocationDoesNotExist') {
        delay = opts.pollMs;
      } else if (THROTTLED.test(name)) {
        delay = Math.min(delay * 2, 30_000);
      } else {
        throw new DataShipError({ code: 'EAWS', message: `SSM GetCommandInvocation failed: ${(err as Error).message}`, operation: `wait for command ${opts.commandId} on ${opts.instanceId}`, cause: err });
      }
    }
    const left = deadline - now();
    if (left <= 0) {
      throw new DataShipError({
        code: 'ETIMEOUT',
        message: `SSM command ${opts.commandId} on ${opts.instanceId} did not finish within ${Math.round(opts.timeoutMs / 1000)} s (last status: ${last})`,
        operation: `wait for command ${opts.commandId}`,
        hint: 'check that the SSM agent runs on the instance; the host script keeps the old release live until it switches',
      });
    }
    await sleep(Math.min(delay, left));
  }
}
