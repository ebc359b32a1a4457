/**
 * The SSM transport against moto: the bundle lands in S3 under its sha256, SendCommand carries the
 * host script and its arguments, and the invocation is polled. moto executes nothing, so the very
 * command that was sent is then run with `sh` against a host directory, fetching the bundle from
 * moto's S3 with the aws CLI as an EC2 host would.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { packDagBundle } from '../../ci/core/dag-bundle/index.js';
import { createSsmDagHost } from '../../ci/adapters/airflow-host/ssm.js';
import { dagFolder, hashTree, manifestHashes, memoryLogger, writeTree } from '../support/dag-fixtures.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let work: string;
const region = 'ap-northeast-1';
const bucket = 'dataship-dag-bundles';
const instanceId = 'i-0123456789abcdef0';

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.awsEnv);
  work = mkdtempSync(join(tmpdir(), 'dags-ssm-'));
  await new S3Client({ region, endpoint: moto.endpoint, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }));
});
afterAll(async () => {
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('ssm DAG host (moto)', () => {
  it('uploads the bundle to S3, sends the script with SendCommand, polls, and the sent command deploys for real', async () => {
    const dir = join(work, 'src');
    writeTree(dir, dagFolder({ count: 12 }));
    const bundle = await packDagBundle({ dir, outDir: join(work, 'bundles') });
    const root = join(work, 'host');
    const logger = memoryLogger();
    const host = createSsmDagHost({ instanceId, bucket, prefix: 'dataship', region, endpoint: moto.endpoint, root, logger, timeoutMs: 20_000, pollMs: 100, by: 'ci' });

    const r = await host.deploy({ bundle, keep: 5 });
    expect(r.status).toBe('changed');

    // The bundle is in S3 under the sha256 of its bytes.
    const tarball = readFileSync(bundle.tarballPath);
    const sha = createHash('sha256').update(tarball).digest('hex');
    const obj = await new S3Client({ region, endpoint: moto.endpoint, forcePathStyle: true }).send(new GetObjectCommand({ Bucket: bucket, Key: `dataship/payloads/${sha}.gz` }));
    const body = Buffer.from(await obj.Body!.transformToByteArray());
    expect(createHash('sha256').update(body).digest('hex')).toBe(sha);

    // Two commands: the probe, then the deploy carrying the script and its arguments.
    const ssm = new SSMClient({ region, endpoint: moto.endpoint });
    const { Commands = [] } = await ssm.send(new ListCommandsCommand({ InstanceId: instanceId }));
    const byTime = [...Commands].sort((a, b) => +a.RequestedDateTime! - +b.RequestedDateTime!);
    expect(byTime.map((c) => c.DocumentName)).toEqual(['AWS-RunShellScript', 'AWS-RunShellScript']);
    const deployCmd = byTime.map((c) => c.Parameters!.commands[0]).find((c) => c.includes("' dataship-host deploy "))!;
    expect(deployCmd).toContain('dataship host deploy script');
    expect(deployCmd).toContain(`--digest ${bundle.digest}`);
    expect(deployCmd).toContain(`--payload s3://${bucket}/dataship/payloads/${sha}.gz --payload-sha256 ${sha}`);
    const inv = await ssm.send(new GetCommandInvocationCommand({ CommandId: byTime[1].CommandId, InstanceId: instanceId }));
    expect(inv.Status).toBe('Success');
    expect(logger.lines.some((l) => /command .* Success/.test(l))).toBe(true);

    // What the instance would do: run the command as sent, fetching the bundle with the aws CLI.
    const out = execFileSync('sh', ['-c', deployCmd], { env: { ...process.env, ...moto.awsEnv } }).toString();
    expect(out).toMatch(/^status=changed$/m);
    expect(out).toMatch(/^mode=full$/m);
    expect(hashTree(join(root, 'current'))).toEqual(manifestHashes(bundle.manifest));
  });

  it('uploads a payload once: the same bundle is not uploaded again', async () => {
    const dir = join(work, 'src');
    const bundle = await packDagBundle({ dir, outDir: join(work, 'bundles') });
    const host = createSsmDagHost({ instanceId, bucket, prefix: 'dataship', region, endpoint: moto.endpoint, root: join(work, 'host2'), logger: memoryLogger(), pollMs: 50 });
    const r = await host.deploy({ bundle, keep: 5 });
    expect(r.details).toMatchObject({ mode: 'full', bytesSent: 0 });
  });
});
