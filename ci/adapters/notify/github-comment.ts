/**
 * One PR comment per pull request, updated in place: found by the hidden marker the Markdown report
 * starts with, edited with PATCH, created only when absent.
 */
import { requestJson } from './http.js';

export async function upsertPrComment(opts: {
  apiUrl: string;
  repository: string;
  pr: number;
  token: string;
  marker: string;
  body: string;
}): Promise<'created' | 'updated'> {
  const headers = { authorization: `Bearer ${opts.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  const base = `${opts.apiUrl.replace(/\/$/, '')}/repos/${opts.repository}/issues`;
  for (let page = 1; page <= 10; page++) {
    const { json } = await requestJson({ url: `${base}/${opts.pr}/comments?per_page=100&page=${page}`, method: 'GET', headers, operation: 'list PR comments' });
    const comments = json as Array<{ id: number; body?: string }>;
    const mine = comments.find((c) => c.body?.includes(opts.marker));
    if (mine) {
      await requestJson({ url: `${base}/comments/${mine.id}`, method: 'PATCH', headers, body: { body: opts.body }, operation: 'update PR comment' });
      return 'updated';
    }
    if (comments.length < 100) break;
  }
  await requestJson({ url: `${base}/${opts.pr}/comments`, method: 'POST', headers, body: { body: opts.body }, operation: 'create PR comment' });
  return 'created';
}
