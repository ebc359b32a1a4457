/** The SSM waiting logic and result mapping, with a fake SSM client (moto cannot run commands). */
import { describe, expect, it } from 'vitest';
import { DataShipError } from '../../core/errors.js';
import { memoryLogger } from '../../../test/support/dag-fixtures.js';
import { createSsmChannel, createSsmDagHost, type SendClient } from './ssm.js';
import { waitForInvocation, type Invocation } from './ssm-wait.js';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

/** get() answers from a script of results; a fake clock advances with sleep. */
function scripted(steps: Array<Invocation | Error>) {
  let t = 0;
  let calls = 0;
  const sleeps: number[] = [];
  return {
    get: async () => {
      const s = steps[Math.min(calls++, steps.length - 1)];
      if (s instanceof Error) throw s;
      return s;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    now: () => t,
    sleeps,
    calls: () => calls,
  };
}

describe('waitForInvocation', () => {
  it('polls Pending → InProgress → Success, retrying InvocationDoesNotExist', async () => {
    const s = scripted([named('InvocationDoesNotExist'), { Status: 'Pending' }, { Status: 'InProgress' }, { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'status=changed\n' }]);
    const seen: string[] = [];
    const inv = await waitForInvocation({ ...s, commandId: 'c1', instanceId: 'i-1', timeoutMs: 60_000, pollMs: 1_000, onStatus: (x) => seen.push(x) });
    expect(inv.Status).toBe('Success');
    expect(seen).toEqual(['Pending', 'InProgress', 'Success']);
    expect(s.sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  it('backs off on throttling and keeps going', async () => {
    const s = scripted([named('ThrottlingException'), named('ThrottlingException'), { Status: 'Success' }]);
    const inv = await waitForInvocation({ ...s, commandId: 'c', instanceId: 'i', timeoutMs: 60_000, pollMs: 500 });
    expect(inv.Status).toBe('Success');
    expect(s.sleeps).toEqual([1_000, 2_000]);
  });

  it('returns Failed, TimedOut and Cancelled as they are (the channel maps them)', async () => {
    for (const Status of ['Failed', 'TimedOut', 'Cancelled']) {
      const s = scripted([{ Status: 'InProgress' }, { Status, StandardErrorContent: 'boom' }]);
      expect((await waitForInvocation({ ...s, commandId: 'c', instanceId: 'i', timeoutMs: 60_000, pollMs: 10 })).Status).toBe(Status);
    }
  });

  it('gives up at the cap with ETIMEOUT and the last status', async () => {
    const s = scripted([{ Status: 'InProgress' }]);
    const e = (await waitForInvocation({ ...s, commandId: 'c9', instanceId: 'i-9', timeoutMs: 5_000, pollMs: 2_000 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('ETIMEOUT');
    expect(e.kind).toBe('external');
    expect(e.message).toMatch(/c9 on i-9 did not finish within 5 s \(last status: InProgress\)/);
    expect(s.sleeps).toEqual([2_000, 2_000, 1_000]);
  });

  it('fails at once on other API errors', async () => {
    const s = scripted([named('InvalidInstanceId')]);
    const e = (await waitForInvocation({ ...s, commandId: 'c', instanceId: 'i', timeoutMs: 5_000, pollMs: 10 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EAWS');
    expect(s.calls()).toBe(1);
  });
});

/** A fake SSM client that records SendCommand input and answers GetCommandInvocation. */
function fakeSsm(invocations: Invocation[]) {
  const sent: Array<{ name: string; input: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  let i = 0;
  const client: SendClient = {
    async send(cmd: any) { // eslint-disable-line @typescript-eslint/no-explicit-any
      const name = cmd.constructor.name;
      sent.push({ name, input: cmd.input });
      if (name === 'SendCommandCommand') return { Command: { CommandId: `cmd-${sent.length}` } };
      if (name === 'GetCommandInvocationCommand') return invocations[Math.min(i++, invocations.length - 1)];
      return {};
    },
  };
  return { client, sent };
}
const noS3: SendClient = { send: async () => ({}) };

describe('ssm channel', () => {
  it('maps TimedOut to EHOST with the command output', async () => {
    const { client } = fakeSsm([{ Status: 'TimedOut', StandardOutputContent: 'phase one\n', StandardErrorContent: 'still compiling' }]);
    const ch = createSsmChannel({ instanceId: 'i-1', bucket: 'b', root: '/opt/dags', logger: memoryLogger(), ssm: client, s3: noS3, pollMs: 1 });
    const e = (await ch.run({ args: ['probe'] }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EHOST');
    expect(e.message).toMatch(/ended TimedOut: phase one\nstill compiling/);
  });

  it('cancels the command when the cap is reached', async () => {
    const { client, sent } = fakeSsm([{ Status: 'InProgress' }]);
    const ch = createSsmChannel({ instanceId: 'i-1', bucket: 'b', root: '/opt/dags', logger: memoryLogger(), ssm: client, s3: noS3, pollMs: 5, timeoutMs: 30 });
    const e = (await ch.run({ args: ['probe'] }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('ETIMEOUT');
    expect(sent.at(-1)).toMatchObject({ name: 'CancelCommandCommand', input: { CommandId: 'cmd-1', InstanceIds: ['i-1'] } });
  });

  it('turns a Failed deploy with compile errors into EDAGCOMPILE with file and line', async () => {
    const digest = 'd'.repeat(64);
    const { client, sent } = fakeSsm([
      { Status: 'Success', ResponseCode: 0, StandardOutputContent: `current=${'c'.repeat(64)}\nreleases=${'c'.repeat(64)}\nlisting=omitted\n` },
      { Status: 'Failed', ResponseCode: 3, StandardOutputContent: 'mode=full\ncompile-error=dags/x.py:4:7: SyntaxError: invalid syntax\nerror=DAG files do not compile\n' },
    ]);
    const uploads: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    const s3: SendClient = {
      async send(cmd: any) { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (cmd.constructor.name === 'HeadObjectCommand') throw Object.assign(new Error('NotFound'), { name: 'NotFound' });
        uploads.push(cmd.input);
        return {};
      },
    };
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const tar = join(mkdtempSync(join(tmpdir(), 'ssm-')), 'b.tar.gz');
    writeFileSync(tar, 'not really a tarball');
    const host = createSsmDagHost({ instanceId: 'i-1', bucket: 'b', prefix: 'dataship/', root: '/opt/dags', logger: memoryLogger(), ssm: client, s3, pollMs: 1 });
    const e = (await host.deploy({ bundle: { digest, manifest: { files: {} }, tarballPath: tar }, keep: 5 }).catch((x: unknown) => x)) as DataShipError;
    expect(e.code).toBe('EDAGCOMPILE');
    expect(e.location).toEqual({ file: 'dags/x.py', line: 4, column: 7 });
    expect(uploads[0]).toMatchObject({ Bucket: 'b', Key: expect.stringMatching(/^dataship\/payloads\/[0-9a-f]{64}\.gz$/) });
    const deploy = sent.filter((s) => s.name === 'SendCommandCommand')[1].input;
    expect(deploy.Parameters.commands[0]).toContain(`--payload s3://b/${uploads[0].Key}`);
    expect(deploy.Parameters.commands[0]).toContain(`--digest ${digest}`);
  });
});
