/** Slack and GitHub notifications against local receivers that record what was sent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/http-receiver.js';
import { notifySlack } from '../../ci/adapters/notify/slack.js';
import { upsertPrComment } from '../../ci/adapters/notify/github-comment.js';
import { buildRunRecord } from '../../ci/core/run-record.js';
import { Redactor } from '../../ci/core/redact.js';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => rx.close());

const record = buildRunRecord({
  runId: '20260101T000000Z-abcdef', job: 'push-to-deploy', command: 'run', env: 'dev', actor: 'a', dryRun: false,
  startedAt: new Date(0), finishedAt: new Date(10),
  steps: [{ name: 'test', status: 'failed', startedAt: '', durationMs: 1, summary: 'dbt failed with token s3cr3t-value-123', error: { code: 'EVERDICT', kind: 'verdict', message: 'dbt failed with token s3cr3t-value-123' } as never }],
  checks: [], host: { ci: 'github', url: 'https://github.example/run/1' },
});

describe('Slack', () => {
  it('posts the verdict, redacted, and retries a 429 after Retry-After', async () => {
    rx.requests.length = 0;
    rx.respond({ status: 429, headers: { 'retry-after': '0' } }, { status: 200, body: 'ok' });
    const redactor = new Redactor();
    redactor.add('s3cr3t-value-123');
    await notifySlack({ webhookUrl: `${rx.url}/services/T/B/x`, record, redact: (s) => redactor.redact(s) });
    expect(rx.requests).toHaveLength(2);
    const body = JSON.parse(rx.requests[1].body);
    expect(body.text).toContain(':x:');
    expect(body.text).toContain('push-to-deploy dev failed at test');
    expect(rx.requests.map((r) => r.body).join('')).not.toContain('s3cr3t-value-123');
  });

  it('gives up with ENOTIFY after repeated 5xx', async () => {
    rx.requests.length = 0;
    rx.respond({ status: 503 }, { status: 503 }, { status: 503 });
    await expect(notifySlack({ webhookUrl: `${rx.url}/hook`, record, redact: (s) => s })).rejects.toMatchObject({ code: 'ENOTIFY' });
    expect(rx.requests).toHaveLength(3);
  });
});

describe('GitHub PR comment', () => {
  it('creates one comment, then updates it in place on the next run', async () => {
    const comments: Array<{ id: number; body: string }> = [];
    rx.requests.length = 0;
    rx.fallback = (req) => {
      if (req.method === 'GET') return { status: 200, body: comments };
      if (req.method === 'POST') {
        comments.push({ id: 7, body: JSON.parse(req.body).body });
        return { status: 201, body: comments[0] };
      }
      if (req.method === 'PATCH') {
        comments[0].body = JSON.parse(req.body).body;
        return { status: 200, body: comments[0] };
      }
      return { status: 404 };
    };
    const marker = '<!-- dataship:report -->';
    const args = { apiUrl: rx.url, repository: 'org/repo', pr: 12, token: 'ghs_token', marker };
    expect(await upsertPrComment({ ...args, body: `${marker}\nfirst` })).toBe('created');
    expect(await upsertPrComment({ ...args, body: `${marker}\nsecond` })).toBe('updated');
    expect(comments).toEqual([{ id: 7, body: `${marker}\nsecond` }]);
    const patch = rx.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.url).toBe('/repos/org/repo/issues/comments/7');
    expect(patch.headers.authorization).toBe('Bearer ghs_token');
  });

  it('a refused token is an ENOTIFY error without retries', async () => {
    rx.fallback = () => ({ status: 401, body: { message: 'Bad credentials' } });
    rx.requests.length = 0;
    await expect(upsertPrComment({ apiUrl: rx.url, repository: 'o/r', pr: 1, token: 't', marker: 'm', body: 'b' })).rejects.toMatchObject({ code: 'ENOTIFY' });
    expect(rx.requests).toHaveLength(1);
  });
});

describe('SNS', () => {
  it('publishes the verdict, redacted, to the configured topic in moto', async () => {
    const { startMoto } = await import('../support/moto.js');
    const { SNSClient, CreateTopicCommand } = await import('@aws-sdk/client-sns');
    const { sendNotifications } = await import('../../ci/steps/notify.js');
    const moto = await startMoto();
    try {
      const sns = new SNSClient({ region: 'ap-northeast-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'estat-pipeline' }));
      const redactor = new Redactor();
      redactor.add('s3cr3t-value-123');
      const env = { ...moto.awsEnv };
      const ctx = {
        local: false,
        env,
        redactor,
        logger: { warn: () => undefined },
        config: { aws: { region: 'ap-northeast-1', endpoint: moto.endpoint }, notifications: { sns: { topicArn: TopicArn!, on: ['failure'] } } },
        secret: async () => '',
      } as never;
      const saved = { ...process.env };
      Object.assign(process.env, moto.awsEnv);
      try {
        const deliveries = await sendNotifications({ ctx, record });
        expect(deliveries).toEqual([{ channel: 'sns', status: 'sent', detail: 'published' }]);
      } finally {
        process.env = saved;
      }
      const sent = await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json();
      const messages = JSON.stringify(sent.sns ?? sent);
      expect(messages).toContain('push-to-deploy dev failed at test');
      expect(messages).not.toContain('s3cr3t-value-123');
    } finally {
      await moto.stop();
    }
  });
});
