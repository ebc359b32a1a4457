/**
 * A local HTTP receiver standing in for Slack and GitHub: it records every request and answers with
 * scripted responses (default 200 `{}`), so tests can assert what dataship sent and how it retried.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Receiver {
  url: string;
  requests: RecordedRequest[];
  /** Queue responses: each request takes the next one; when empty, `fallback` answers. */
  respond(...responses: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>): void;
  fallback: (req: RecordedRequest) => { status: number; body?: unknown; headers?: Record<string, string> };
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const queue: Array<{ status: number; body?: unknown; headers?: Record<string, string> }> = [];
  const receiver: Receiver = {
    url: '',
    requests: [],
    respond: (...r) => queue.push(...r),
    fallback: () => ({ status: 200, body: {} }),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      receiver.requests.push(rec);
      const r = queue.shift() ?? receiver.fallback(rec);
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body === undefined ? '' : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
