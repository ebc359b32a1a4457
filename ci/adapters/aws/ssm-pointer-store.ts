/**
 * Environment pointers in SSM Parameter Store: `<prefix>/<env>/release` holds the move as JSON;
 * every move is a parameter version, and each version is labelled with its release id, so
 * `GetParameter <name>:r-…` finds the latest version that pointed at a release.
 * SSM keeps 100 versions; when the oldest still carries a label, puts fail until it is unlabelled.
 */
import type { PointerMove } from '../../core/release.js';
import type { PointerStore } from '../types.js';
import { awsError, clientConfig, type AwsClientOptions } from './aws-errors.js';

interface StoredMove {
  releaseId: string;
  previousReleaseId: string | null;
  at: string;
  by: string;
  action: PointerMove['action'];
  runId?: string;
  note?: string;
}

export async function createSsmPointerStore(opts: AwsClientOptions & { prefix: string; now?: () => Date }): Promise<PointerStore> {
  const ssm = await import('@aws-sdk/client-ssm');
  const client = new ssm.SSMClient(clientConfig(opts));
  const now = opts.now ?? (() => new Date());
  const nameOf = (env: string) => `${opts.prefix.replace(/\/$/, '')}/${env}/release`;
  const toMove = (env: string, value: string | undefined, version: number | undefined): PointerMove | null => {
    if (!value) return null;
    const v = JSON.parse(value) as StoredMove;
    return { env, ...v, version: version ?? 0 };
  };

  const current = async (env: string): Promise<PointerMove | null> => {
    try {
      const out = await client.send(new ssm.GetParameterCommand({ Name: nameOf(env) }));
      return toMove(env, out.Parameter?.Value, out.Parameter?.Version);
    } catch (err) {
      if ((err as { name?: string }).name === 'ParameterNotFound') return null;
      throw awsError({ err, operation: `ssm:GetParameter ${nameOf(env)}` });
    }
  };

  const put = async (name: string, value: string): Promise<number> => {
    try {
      const out = await client.send(new ssm.PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
      return out.Version ?? 0;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ParameterMaxVersionLimitExceeded') throw err;
      // The oldest version still carries a label: move it off, then put again.
      const history = await client.send(new ssm.GetParameterHistoryCommand({ Name: name, MaxResults: 1 }));
      const oldest = history.Parameters?.[0];
      if (oldest?.Labels?.length) {
        await client.send(new ssm.UnlabelParameterVersionCommand({ Name: name, ParameterVersion: oldest.Version, Labels: oldest.Labels }));
      }
      const out = await client.send(new ssm.PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
      return out.Version ?? 0;
    }
  };

  return {
    current,
    async move({ env, releaseId, by, action, runId, note }) {
      const name = nameOf(env);
      const prev = await current(env);
      const stored: StoredMove = { releaseId, previousReleaseId: prev?.releaseId ?? null, at: now().toISOString(), by, action, runId, ...(note ? { note } : {}) };
      try {
        const version = await put(name, JSON.stringify(stored));
        await client.send(new ssm.LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: [releaseId] }));
        return { env, ...stored, version };
      } catch (err) {
        throw awsError({ err, operation: `ssm:PutParameter ${name}` });
      }
    },
    async history(env) {
      const name = nameOf(env);
      const moves: PointerMove[] = [];
      try {
        let token: string | undefined;
        do {
          const out = await client.send(new ssm.GetParameterHistoryCommand({ Name: name, NextToken: token, MaxResults: 50 }));
          for (const p of out.Parameters ?? []) {
            const m = toMove(env, p.Value, p.Version);
            if (m) moves.push(m);
          }
          token = out.NextToken;
        } while (token);
      } catch (err) {
        if ((err as { name?: string }).name === 'ParameterNotFound') return [];
        throw awsError({ err, operation: `ssm:GetParameterHistory ${name}` });
      }
      return moves.sort((a, b) => b.version - a.version);
    },
  };
}
