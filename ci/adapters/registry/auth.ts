/**
 * Registry authentication: anonymous, HTTP Basic, and the bearer-token challenge
 * (`WWW-Authenticate: Bearer realm=…,service=…,scope=…`). ECR tokens from GetAuthorizationToken
 * are Basic credentials (`AWS:<password>`) supplied by a credentials function.
 */
import { DataShipError } from '../../core/errors.js';

export interface Credentials {
  username: string;
  password: string;
}

/** Fixed credentials, a function that fetches them (ECR), or none (anonymous). */
export type CredentialSource = Credentials | (() => Promise<Credentials | null>) | null | undefined;

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses a `WWW-Authenticate` header; null for schemes dataship does not speak. */
export function parseChallenge(header: string | null): Challenge | null {
  if (!header) return null;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return null;
  const scheme = m[1].toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return null;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme, params };
}

export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface RegistryAuth {
  /** The Authorization header to send for a request needing `scope`, if any is known yet. */
  header(scope: string): Promise<string | undefined>;
  /** Handles a 401: learns the scheme, fetches a token; false when there is nothing new to try. */
  challenge(opts: { header: string | null; scope: string; retried: boolean }): Promise<boolean>;
}

export function createRegistryAuth(opts: { credentials?: CredentialSource; fetch?: typeof fetch; onSecret?: (value: string) => void }): RegistryAuth {
  const doFetch = opts.fetch ?? fetch;
  let scheme: 'none' | 'basic' | 'bearer' = 'none';
  let bearer: Challenge | null = null;
  let creds: Credentials | null | undefined;
  const tokens = new Map<string, CachedToken>();

  const credentials = async (refresh = false): Promise<Credentials | null> => {
    if (creds !== undefined && !refresh) return creds;
    const src = opts.credentials;
    creds = typeof src === 'function' ? await src() : (src ?? null);
    if (creds) opts.onSecret?.(creds.password);
    return creds;
  };

  const fetchToken = async (scope: string): Promise<string> => {
    const realm = bearer?.params.realm;
    if (!realm) throw new DataShipError({ code: 'EREGISTRY', message: 'registry bearer challenge has no realm' });
    const url = new URL(realm);
    if (bearer?.params.service) url.searchParams.set('service', bearer.params.service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const c = await credentials();
    const res = await doFetch(url, { headers: c ? { authorization: basicHeader(c) } : {}, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (!res.ok) {
      throw new DataShipError({
        code: 'EREGISTRY',
        message: `registry token service refused (${res.status})`,
        operation: `GET ${url.origin}${url.pathname}`,
        hint: c ? 'check the registry credentials' : 'the registry needs credentials: configure a username and password',
      });
    }
    const body = JSON.parse(text) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new DataShipError({ code: 'EREGISTRY', message: 'registry token service answered without a token' });
    opts.onSecret?.(token);
    tokens.set(scope, { token, expiresAt: Date.now() + Math.max(30, body.expires_in ?? 60) * 1000 - 10_000 });
    return token;
  };

  return {
    async header(scope) {
      if (scheme === 'basic') {
        const c = await credentials();
        return c ? basicHeader(c) : undefined;
      }
      if (scheme === 'bearer') {
        const cached = tokens.get(scope);
        const token = cached && cached.expiresAt > Date.now() ? cached.token : await fetchToken(scope);
        return `Bearer ${token}`;
      }
      return undefined;
    },
    async challenge({ header, scope, retried }) {
      const ch = parseChallenge(header);
      if (!ch) return false;
      if (ch.scheme === 'basic') {
        const had = scheme === 'basic';
        scheme = 'basic';
        if (!had) return (await credentials()) !== null;
        // Basic was already sent and refused: the credentials may have expired (ECR tokens).
        if (retried || typeof opts.credentials !== 'function') return false;
        return (await credentials(true)) !== null;
      }
      if (retried) return false;
      scheme = 'bearer';
      bearer = ch;
      tokens.delete(scope);
      return true;
    },
  };
}
