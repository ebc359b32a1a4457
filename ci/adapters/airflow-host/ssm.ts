/**
 * An Airflow host on EC2 reached through SSM Run Command: payloads go to S3 (content-addressed
 * keys, uploaded once), then `SendCommand` runs the host script with AWS-RunShellScript and the
 * host fetches the payload with the aws CLI (instance role). dataship waits with a cap and reports
 * the command's output. AWS SDK modules are imported lazily to keep the CLI's start fast.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/types.js';
import { DataShipError } from '../../core/errors.js';
import { payloadArgs, type HostChannel, type HostRun, type Payload } from './channel.js';
import { createChannelDagHost, type DagHostWithClose } from './dag-host.js';
import { inlineScriptCommand } from './host-script.js';
import { waitForInvocation, type Invocation } from './ssm-wait.js';

export interface SsmTarget {
  instanceId: string;
  /** Bucket for payloads; the instance role needs s3:GetObject on `<prefix>payloads/*`. */
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  /** Cap on waiting for one command (default 10 minutes). */
  timeoutMs?: number;
  pollMs?: number;
}

/** Minimal client shape, so tests can hand in a fake. */
export interface SendClient {
  send(command: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** SSM cuts StandardOutputContent at 24,000 characters. */
const SSM_STDOUT_LIMIT = 24_000;

export function createSsmChannel(opts: SsmTarget & { root: string; logger: Logger; ssm?: SendClient; s3?: SendClient }): HostChannel {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const pollMs = opts.pollMs ?? 2_000;
  const prefix = opts.prefix ? `${opts.prefix.replace(/\/+$/, '')}/` : '';
  let ssm = opts.ssm;
  let s3 = opts.s3;
  const clients = async () => {
    if (!ssm) {
      const { SSMClient } = await import('@aws-sdk/client-ssm');
      ssm = new SSMClient({ region: opts.region, endpoint: opts.endpoint });
    }
    if (!s3) {
      const { S3Client } = await import('@aws-sdk/client-s3');
      s3 = new S3Client({ region: opts.region, endpoint: opts.endpoint, forcePathStyle: Boolean(opts.endpoint) });
    }
    return { ssm: ssm!, s3: s3! };
  };
  const aws = (err: unknown, operation: string) =>
    err instanceof DataShipError ? err : new DataShipError({ code: 'EAWS', message: `${operation} failed: ${(err as Error).message}`, operation, cause: err });

  const upload = async (payload: Payload): Promise<{ url: string; sent: number }> => {
    const { s3: client } = await clients();
    const { HeadObjectCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const Key = `${prefix}payloads/${payload.sha256}.gz`;
    const url = `s3://${opts.bucket}/${Key}`;
    const exists = await client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key })).then(
      (h: { ContentLength?: number }) => h.ContentLength === payload.size,
      () => false,
    );
    if (exists) return { url, sent: 0 };
    const Body = 'data' in payload ? payload.data : await readFile(payload.path);
    await client.send(new PutObjectCommand({ Bucket: opts.bucket, Key, Body, ContentType: 'application/gzip', Metadata: { sha256: payload.sha256 } })).catch((e: unknown) => {
      throw aws(e, `PutObject ${url}`);
    });
    return { url, sent: payload.size };
  };

  return {
    describe: () => `ssm ${opts.instanceId}:${opts.root}`,
    stdoutLimit: SSM_STDOUT_LIMIT,
    async run({ args, payload }): Promise<HostRun> {
      const { ssm: client } = await clients();
      const { SendCommandCommand, GetCommandInvocationCommand, CancelCommandCommand } = await import('@aws-sdk/client-ssm');
      let full = args;
      let sent = 0;
      if (payload) {
        const up = await upload(payload);
        full = [...args, ...payloadArgs(payload, up.url)];
        sent = up.sent;
      }
      const seconds = Math.max(30, Math.ceil(timeoutMs / 1000));
      const res = await client
        .send(
          new SendCommandCommand({
            InstanceIds: [opts.instanceId],
            DocumentName: 'AWS-RunShellScript',
            Comment: `dataship DAG host: ${args[0]}`,
            TimeoutSeconds: seconds,
            Parameters: { commands: [inlineScriptCommand(full)], executionTimeout: [String(seconds)] },
          }),
        )
        .catch((e: unknown) => {
          throw aws(e, `SSM SendCommand to ${opts.instanceId}`);
        });
      const commandId: string = res.Command?.CommandId;
      if (!commandId) throw new DataShipError({ code: 'EAWS', message: 'SSM SendCommand returned no CommandId' });
      opts.logger.debug(`ssm ${opts.instanceId}: command ${commandId} (${args[0]}) sent`);
      let inv: Invocation;
      try {
        inv = await waitForInvocation({
          get: () => client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: opts.instanceId })),
          commandId,
          instanceId: opts.instanceId,
          timeoutMs,
          pollMs,
          onStatus: (s) => opts.logger.debug(`ssm ${opts.instanceId}: command ${commandId} ${s}`),
        });
      } catch (err) {
        if (err instanceof DataShipError && err.code === 'ETIMEOUT') {
          await client.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: [opts.instanceId] })).catch(() => undefined);
        }
        throw err;
      }
      const stdout = inv.StandardOutputContent ?? '';
      const stderr = inv.StandardErrorContent ?? '';
      if (inv.Status === 'Success' || inv.Status === 'Failed') {
        const code = inv.Status === 'Success' ? 0 : inv.ResponseCode !== undefined && inv.ResponseCode > 0 ? inv.ResponseCode : 1;
        return { code, stdout, stderr: inv.Status === 'Failed' && !stderr && inv.StatusDetails ? inv.StatusDetails : stderr, bytesSent: sent };
      }
      const output = [stdout.trim(), stderr.trim()].filter(Boolean).join('\n').slice(-2_000);
      throw new DataShipError({
        code: 'EHOST',
        message: `SSM command ${commandId} on ${opts.instanceId} ended ${inv.Status}${inv.StatusDetails ? ` (${inv.StatusDetails})` : ''}${output ? `: ${output}` : ''}`,
        operation: `run the DAG host script (${args[0]}) on ${opts.instanceId}`,
        hint: inv.Status === 'TimedOut' ? 'the command ran past its execution timeout; raise timeoutMs or check the host' : 'the old release stays live unless the output above says it switched',
      });
    },
    close: async () => undefined,
  };
}

export function createSsmDagHost(opts: SsmTarget & { root: string; logger: Logger; by?: string; delta?: boolean; compileAll?: boolean; ssm?: SendClient; s3?: SendClient }): DagHostWithClose {
  return createChannelDagHost({ channel: createSsmChannel(opts), root: opts.root, logger: opts.logger, by: opts.by, delta: opts.delta, compileAll: opts.compileAll });
}
