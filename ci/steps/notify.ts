/**
 * Sends a run's result where the configuration says: Slack, the pull request's comment (updated in
 * place), SNS. A channel whose secret is not set is skipped with the reason; a channel that fails
 * is reported and never changes the run's verdict.
 */
import { readFile } from 'node:fs/promises';
import { isDataShipError } from '../core/errors.js';
import type { RunRecord } from '../core/run-record.js';
import type { RunContext } from '../core/types.js';

export interface Delivery {
  channel: 'slack' | 'github' | 'sns';
  status: 'sent' | 'skipped' | 'failed';
  detail: string;
}

const outcomeOf = (r: RunRecord) => (r.verdict === 'passed' ? 'success' : 'failure');

async function secretOrSkip(ctx: RunContext, ref: string | undefined): Promise<string | { skipped: string }> {
  if (!ref) return { skipped: 'no credential configured' };
  try {
    return await ctx.secret(ref);
  } catch (err) {
    if (isDataShipError(err) && err.code === 'ESECRET') return { skipped: `${ref} is not set` };
    throw err;
  }
}

async function prNumber(env: Record<string, string | undefined>): Promise<number | undefined> {
  if (env.GITHUB_EVENT_PATH) {
    const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8').catch(() => '{}')) as { pull_request?: { number?: number } };
    if (event.pull_request?.number) return event.pull_request.number;
  }
  return undefined;
}

export async function sendNotifications(opts: { ctx: RunContext; record: RunRecord }): Promise<Delivery[]> {
  const { ctx, record } = opts;
  const cfg = ctx.config.notifications ?? {};
  const deliveries: Delivery[] = [];
  const attempt = async (channel: Delivery['channel'], fn: () => Promise<string | { skipped: string }>) => {
    try {
      const r = await fn();
      deliveries.push(typeof r === 'string' ? { channel, status: 'sent', detail: r } : { channel, status: 'skipped', detail: r.skipped });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.logger.warn(`${channel} notification failed: ${message}`);
      deliveries.push({ channel, status: 'failed', detail: message });
    }
  };
  const redact = (s: string) => ctx.redactor.redact(s);

  if (cfg.slack) {
    await attempt('slack', async () => {
      if (!(cfg.slack!.on ?? ['failure']).includes(outcomeOf(record))) return { skipped: `not configured for ${outcomeOf(record)}` };
      const url = await secretOrSkip(ctx, cfg.slack!.webhookUrl);
      if (typeof url !== 'string') return url;
      const { notifySlack } = await import('../adapters/notify/slack.js');
      await notifySlack({ webhookUrl: url, record, redact });
      return 'posted';
    });
  }
  if (cfg.github?.comment) {
    await attempt('github', async () => {
      const pr = await prNumber(ctx.env);
      if (!pr || !ctx.env.GITHUB_REPOSITORY) return { skipped: 'not a pull request run' };
      const token = await secretOrSkip(ctx, cfg.github!.token);
      if (typeof token !== 'string') return token;
      const [{ upsertPrComment }, { renderMarkdown, REPORT_MARKER }] = await Promise.all([import('../adapters/notify/github-comment.js'), import('../core/report/index.js')]);
      const how = await upsertPrComment({
        apiUrl: ctx.env.GITHUB_API_URL ?? 'https://api.github.com',
        repository: ctx.env.GITHUB_REPOSITORY,
        pr,
        token,
        marker: REPORT_MARKER,
        body: redact(renderMarkdown({ record })),
      });
      return `PR #${pr} comment ${how}`;
    });
  }
  if (cfg.sns) {
    await attempt('sns', async () => {
      if (ctx.local) return { skipped: 'embedded backends (--local)' };
      if (!(cfg.sns!.on ?? ['failure']).includes(outcomeOf(record))) return { skipped: `not configured for ${outcomeOf(record)}` };
      const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
      const client = new SNSClient({ region: ctx.config.aws?.region, endpoint: ctx.config.aws?.endpoint ?? ctx.env.AWS_ENDPOINT_URL });
      await client.send(new PublishCommand({ TopicArn: cfg.sns!.topicArn, Subject: redact(`dataship ${record.job}: ${record.verdict}`).slice(0, 99), Message: redact(JSON.stringify({ headline: record.headline, runId: record.runId, release: record.release?.id, verdict: record.verdict })) }));
      return 'published';
    });
  }
  return deliveries;
}
