/** Turns an AWS SDK failure into a DataShipError that names the call and says what to do. */
import { DataShipError } from '../../core/errors.js';

export function awsError(opts: { err: unknown; operation: string; hint?: string }): DataShipError {
  const e = opts.err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const throttled = /Throttl|TooManyRequests|RequestLimitExceeded/.test(name) || e?.$metadata?.httpStatusCode === 429;
  return new DataShipError({
    code: 'EAWS',
    message: `${opts.operation} failed: ${name}: ${e?.message ?? String(opts.err)}`,
    operation: opts.operation,
    hint: opts.hint ?? (throttled ? 'AWS throttled the call after retries; run again, or raise the account quota' : 'check the credentials, region and IAM permissions of the role running dataship'),
    cause: opts.err,
  });
}

/** Options shared by every SDK client: region, an optional endpoint (moto, LocalStack), retries. */
export interface AwsClientOptions {
  region: string;
  endpoint?: string;
  maxAttempts?: number;
}

export function clientConfig(opts: AwsClientOptions): { region: string; endpoint?: string; maxAttempts: number; retryMode: string } {
  return { region: opts.region, endpoint: opts.endpoint, maxAttempts: opts.maxAttempts ?? 5, retryMode: 'adaptive' };
}
