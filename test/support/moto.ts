/** moto's standalone server: the real AWS wire protocols on loopback. */
import { freePort, httpReady, startService, type RunningService } from './process.js';

export interface Moto extends RunningService {
  endpoint: string;
  /** Environment for AWS SDK clients pointed at this server. */
  awsEnv: Record<string, string>;
  reset(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const svc = await startService({
    name: 'moto',
    command: 'python3',
    args: ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)],
    ready: () => httpReady(`${endpoint}/moto-api/`),
    timeoutMs: 60_000,
  });
  return {
    ...svc,
    endpoint,
    awsEnv: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'ap-northeast-1',
      AWS_DEFAULT_REGION: 'ap-northeast-1',
    },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
  };
}
