/** Posts a run's verdict to a Slack incoming webhook. */
import type { RunRecord } from '../../core/run-record.js';
import { requestJson } from './http.js';

const ICON: Record<RunRecord['verdict'], string> = { passed: ':white_check_mark:', unverified: ':warning:', failed: ':x:' };

export function slackMessage(opts: { record: RunRecord }): { text: string; blocks: unknown[] } {
  const r = opts.record;
  const text = `${ICON[r.verdict]} ${r.headline}`;
  const steps = r.steps.map((s) => `${s.status === 'failed' ? '✗' : s.status === 'skipped' ? '○' : '✓'} *${s.name}* ${s.status}${s.reason ? ` — ${s.reason}` : ''}`).join('\n');
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text } },
    { type: 'section', text: { type: 'mrkdwn', text: steps.slice(0, 2900) } },
  ];
  if (r.release || r.host.url) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: [r.release ? `release ${r.release.id} · git ${r.release.gitSha.slice(0, 12)}` : '', r.host.url ? `<${r.host.url}|run>` : ''].filter(Boolean).join(' · ') }] });
  }
  return { text, blocks };
}

export async function notifySlack(opts: { webhookUrl: string; record: RunRecord; redact: (s: string) => string }): Promise<void> {
  const body = JSON.parse(opts.redact(JSON.stringify(slackMessage({ record: opts.record }))));
  await requestJson({ url: opts.webhookUrl, body, operation: 'slack webhook' });
}
