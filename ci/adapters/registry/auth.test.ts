import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { basicHeader, createRegistryAuth, parseChallenge } from './auth.js';

describe('parseChallenge', () => {
  it('parses bearer challenges with quoted and unquoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('basic realm=x')).toEqual({ scheme: 'basic', params: { realm: 'x' } });
  });
  it('ignores schemes it does not speak and missing headers', () => {
    expect(parseChallenge('Negotiate abc')).toBeNull();
    expect(parseChallenge(null)).toBeNull();
  });
});

describe('createRegistryAuth', () => {
  it('sends nothing until challenged, then Basic; refreshes function credentials once when refused', async () => {
    let calls = 0;
    const auth = createRegistryAuth({ credentials: async () => ({ username: 'AWS', password: `p${++calls}` }) });
    expect(await auth.header('s')).toBeUndefined();
    expect(await auth.challenge({ header: 'Basic realm="ecr"', scope: 's', retried: false })).toBe(true);
    expect(await auth.header('s')).toBe(basicHeader({ username: 'AWS', password: 'p1' }));
    // Refused later (expired token): one refresh, then give up.
    expect(await auth.challenge({ header: 'Basic realm="ecr"', scope: 's', retried: false })).toBe(true);
    expect(await auth.header('s')).toBe(basicHeader({ username: 'AWS', password: 'p2' }));
    expect(await auth.challenge({ header: 'Basic realm="ecr"', scope: 's', retried: true })).toBe(false);
  });
  it('cannot answer a Basic challenge without credentials', async () => {
    const auth = createRegistryAuth({});
    expect(await auth.challenge({ header: 'Basic realm="r"', scope: 's', retried: false })).toBe(false);
  });
  it('fetches and caches a bearer token per scope, with credentials at the token service', async () => {
    const seen: { url: string; auth?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url!, auth: req.headers.authorization });
      res.end(JSON.stringify({ access_token: `tok-${seen.length}`, expires_in: 300 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const secrets: string[] = [];
      const auth = createRegistryAuth({ credentials: { username: 'u', password: 'pw12' }, onSecret: (s) => secrets.push(s) });
      const scope = 'repository:a/b:pull,push repository:c/d:pull';
      expect(await auth.challenge({ header: `Bearer realm="http://127.0.0.1:${port}/token",service="reg"`, scope, retried: false })).toBe(true);
      expect(await auth.header(scope)).toBe('Bearer tok-1');
      expect(await auth.header(scope)).toBe('Bearer tok-1');
      expect(await auth.header('repository:x:pull')).toBe('Bearer tok-2');
      const u = new URL(seen[0].url, 'http://x');
      expect(u.searchParams.get('service')).toBe('reg');
      expect(u.searchParams.getAll('scope')).toEqual(['repository:a/b:pull,push', 'repository:c/d:pull']);
      expect(seen[0].auth).toBe(basicHeader({ username: 'u', password: 'pw12' }));
      expect(secrets).toEqual(expect.arrayContaining(['pw12', 'tok-1', 'tok-2']));
      // A second refusal of a fresh token is final.
      expect(await auth.challenge({ header: `Bearer realm="http://127.0.0.1:${port}/token"`, scope, retried: true })).toBe(false);
    } finally {
      server.close();
    }
  });
});
