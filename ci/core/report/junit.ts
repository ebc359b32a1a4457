/**
 * JUnit XML for Jenkins (and any JUnit reader): one suite for the pipeline's steps, one suite per
 * check with a test case per case. Failed step → <failure>, skipped → <skipped>; dbt `fail` →
 * <failure>, `error` → <error>, `warn` passes with a note in <system-out>, `skipped` → <skipped>.
 * Times in seconds. Pure.
 */
import type { CheckSummary, RunRecord } from '../run-record.js';
import { type Case, caseKind, escapeMarkup as x, stepText } from './format.js';

const secs = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

interface TestCase {
  classname: string;
  name: string;
  timeMs?: number;
  outcome: { kind: 'pass' } | { kind: 'failure' | 'error'; message: string; type: string; body: string } | { kind: 'skipped'; message: string };
  out?: string;
}

function suiteXml(opts: { name: string; timestamp: string; cases: TestCase[]; properties?: Record<string, string | undefined> }): string {
  const { cases } = opts;
  const count = (k: string) => cases.filter((c) => c.outcome.kind === k).length;
  const time = cases.reduce((t, c) => t + (c.timeMs ?? 0), 0);
  const lines = [
    `  <testsuite name="${x(opts.name)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${secs(time)}" timestamp="${x(opts.timestamp.slice(0, 19))}">`,
  ];
  const props = Object.entries(opts.properties ?? {}).filter(([, v]) => v !== undefined && v !== '');
  if (props.length) {
    lines.push('    <properties>');
    for (const [k, v] of props) lines.push(`      <property name="${x(k)}" value="${x(v)}"/>`);
    lines.push('    </properties>');
  }
  for (const c of cases) {
    const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="${secs(c.timeMs)}"`;
    const inner: string[] = [];
    const o = c.outcome;
    if (o.kind === 'failure' || o.kind === 'error') inner.push(`      <${o.kind} message="${x(o.message)}" type="${x(o.type)}">${x(o.body)}</${o.kind}>`);
    if (o.kind === 'skipped') inner.push(`      <skipped message="${x(o.message)}"/>`);
    if (c.out) inner.push(`      <system-out>${x(c.out)}</system-out>`);
    lines.push(inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`);
  }
  lines.push('  </testsuite>');
  return lines.join('\n');
}

function stepCases(record: RunRecord, classname: string): TestCase[] {
  return record.steps.map((s) => {
    const base = { classname, name: s.name, timeMs: s.durationMs };
    if (s.status === 'failed') {
      const e = s.error;
      const body = [stepText(s), e?.operation ? `while: ${e.operation}` : '', e?.hint ? `hint: ${e.hint}` : '', e?.cause ? `cause: ${String(e.cause)}` : ''].filter(Boolean).join('\n');
      return { ...base, outcome: { kind: 'failure' as const, message: stepText(s), type: String(e?.code ?? 'failed'), body } };
    }
    if (s.status === 'skipped') return { ...base, outcome: { kind: 'skipped' as const, message: s.reason ?? s.summary ?? 'skipped' } };
    return { ...base, outcome: { kind: 'pass' as const }, out: `${s.status}: ${s.summary ?? ''}`.trim() };
  });
}

function caseOf(c: Case, classname: string): TestCase {
  const base = { classname: `${classname}.${caseKind(c)}`, name: c.name, timeMs: c.durationMs };
  const message = c.message ?? c.status;
  const body = [c.id, c.failures ? `failures: ${c.failures}` : '', c.message ?? ''].filter(Boolean).join('\n');
  switch (c.status) {
    case 'fail':
      return { ...base, outcome: { kind: 'failure', message, type: 'fail', body } };
    case 'error':
    case 'runtime error':
      return { ...base, outcome: { kind: 'error', message, type: c.status, body } };
    case 'skipped':
      return { ...base, outcome: { kind: 'skipped', message: c.message ?? 'skipped: an upstream node failed or was not selected' } };
    case 'warn':
    case 'partial success':
      return { ...base, outcome: { kind: 'pass' }, out: `${c.status}: ${message}${c.failures ? ` (failures: ${c.failures})` : ''}` };
    default:
      return { ...base, outcome: { kind: 'pass' } };
  }
}

function checkCases(check: CheckSummary, classname: string): TestCase[] {
  if (check.cases?.length) return check.cases.map((c) => caseOf(c, classname));
  const base = { classname, name: check.name };
  switch (check.status) {
    case 'fail':
      return [{ ...base, outcome: { kind: 'failure', message: check.summary, type: 'fail', body: check.summary } }];
    case 'error':
      return [{ ...base, outcome: { kind: 'error', message: check.summary, type: 'error', body: check.summary } }];
    case 'skipped':
      return [{ ...base, outcome: { kind: 'skipped', message: check.summary } }];
    case 'warn':
      return [{ ...base, outcome: { kind: 'pass' }, out: `warn: ${check.summary}` }];
    default:
      return [{ ...base, outcome: { kind: 'pass' }, out: check.summary }];
  }
}

export function renderJunit(opts: { record: RunRecord }): string {
  const { record } = opts;
  const root = `dataship.${record.job}`;
  const r = record.release;
  const suites = [
    suiteXml({
      name: root,
      timestamp: record.startedAt,
      cases: stepCases(record, root),
      properties: { runId: record.runId, command: record.command, env: record.env, verdict: record.verdict, headline: record.headline, release: r?.id, gitSha: r?.gitSha, imageDigest: r?.image.digest ?? undefined, url: record.host.url },
    }),
    ...record.checks.map((c) => suiteXml({ name: `${root}.${c.name}`, timestamp: record.startedAt, cases: checkCases(c, `${root}.${c.name}`), properties: { status: c.status, summary: c.summary } })),
  ];
  const all = [stepCases(record, root), ...record.checks.map((c) => checkCases(c, root))].flat();
  const n = (k: string) => all.filter((c) => c.outcome.kind === k).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(`dataship ${record.job}`)}" tests="${all.length}" failures="${n('failure')}" errors="${n('error')}" skipped="${n('skipped')}" time="${secs(record.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
