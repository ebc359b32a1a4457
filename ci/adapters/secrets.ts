/** Resolves a secret reference: `env:NAME` from the environment, `ssm:/path` from SSM Parameter Store. */
import { DataShipError } from '../core/errors.js';

export async function resolveSecret(opts: { ref: string; env: Record<string, string | undefined>; region?: string }): Promise<string> {
  if (opts.ref.startsWith('env:')) {
    const name = opts.ref.slice(4);
    const value = opts.env[name];
    if (!value) throw new DataShipError({ code: 'ESECRET', message: `secret ${opts.ref} is not set`, hint: `export ${name}=… (in CI: a masked secret or credential binding)` });
    return value;
  }
  if (opts.ref.startsWith('ssm:/')) {
    const name = opts.ref.slice(4);
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const client = new SSMClient({ region: opts.region ?? opts.env.AWS_REGION, endpoint: opts.env.AWS_ENDPOINT_URL });
    try {
      const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = out.Parameter?.Value;
      if (!value) throw new Error('empty parameter');
      return value;
    } catch (err) {
      throw new DataShipError({ code: 'EAWS', message: `cannot read secret ${opts.ref}`, operation: `ssm:GetParameter ${name}`, hint: 'check the parameter exists and the role may read it (ssm:GetParameter, kms:Decrypt)', cause: err });
    }
  }
  throw new DataShipError({ code: 'ESECRET', message: `unknown secret reference ${opts.ref}`, hint: 'use env:NAME or ssm:/path' });
}
