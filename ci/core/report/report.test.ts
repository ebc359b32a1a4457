import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realArtifact } from '../../../test/support/fake-dbt/real-artifacts.js';
import { checkSummaryFromRunResults, parseRunResults } from '../dbt/run-results.js';
import type { CheckSummary, RunRecord } from '../run-record.js';
import { MARKDOWN_LIMIT, REPORT_MARKER, formatDuration, renderHtml, renderJson, renderJunit, renderMarkdown, renderText } from './index.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const NASTY = `<script>alert("x")</script> & 'quotes' \x07bell \x1b[31mred\x1b[0m`;

const dbtCheck = (): CheckSummary =>
  checkSummaryFromRunResults({ parsed: parseRunResults({ json: readFileSync(realArtifact('clickhouse_group2/run_results.v6.dbt-1.10.json'), 'utf8') }) });

function sample(over: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: 1,
    runId: '20250301T100000Z-ab12',
    job: 'push-to-deploy',
    command: 'deploy',
    env: 'dev',
    actor: 'octocat',
    dryRun: false,
    startedAt: at(0),
    finishedAt: at(30_000),
    durationMs: 30_000,
    verdict: 'failed',
    headline: 'push-to-deploy dev ran; checks failed: dbt-tests (35 tests: 33 passed, 1 failed, 1 errored)',
    release: {
      id: 'r-0123456789abcdef',
      gitSha: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      image: { repository: 'estat/dbt', digest: `sha256:${'a'.repeat(64)}`, runtimeDigest: `sha256:${'b'.repeat(64)}` },
      dags: { bundleDigest: `sha256:${'c'.repeat(64)}`, files: 7 },
      dbt: { projectDigest: `sha256:${'d'.repeat(64)}`, manifestDigest: null },
    },
    steps: [
      { name: 'validate', status: 'unchanged', summary: 'configuration, workflows and DAGs are valid', startedAt: at(0), durationMs: 420 },
      { name: 'build', status: 'changed', summary: `image built ${NASTY}`, startedAt: at(450), durationMs: 8_200 },
      { name: 'sync-dags', status: 'changed', summary: 'bundle c0ffee deployed to dev (7 files)', startedAt: at(8_700), durationMs: 1_900 },
      {
        name: 'test',
        status: 'failed',
        summary: 'dbt build in dev',
        startedAt: at(10_700),
        durationMs: 17_000,
        error: { code: 'EVERDICT', kind: 'verdict', message: 'dbt in dev: 1 test failed', hint: 'see the dbt-tests cases', operation: 'dbt build' },
      },
      { name: 'gate', status: 'skipped', reason: 'an earlier step failed', startedAt: at(27_800), durationMs: 0 },
      { name: 'report', status: 'unchanged', summary: 'reports written', startedAt: at(27_900), durationMs: 2_050 },
    ],
    checks: [dbtCheck(), { name: 'dag-drift', status: 'pass', summary: 'host matches the release' }, { name: 'freshness', status: 'skipped', summary: 'dbt is not installed (pip install dbt-duckdb)' }],
    host: { ci: 'github', url: 'https://github.com/o/r/actions/runs/1' },
    ...over,
  };
}

/** A small well-formedness check: balanced tags, quoted attributes, no stray `<` or `&`. */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (let m; (m = token.exec(body)); ) {
    const [, close, name, , selfClose, text, stray] = m;
    if (stray) problems.push(`stray < at ${m.index}`);
    else if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#39|#\d+);)/.test(text)) problems.push(`unescaped & in text at ${m.index}`);
      if (/[\x00-\x08\x0B\x0C\x0E-\x1F]/.test(text)) problems.push(`control character at ${m.index}`);
    } else if (close) {
      if (stack.pop() !== name) problems.push(`mismatched </${name}> at ${m.index}`);
    } else if (!selfClose) stack.push(name);
    if (m[3] && /&(?!(amp|lt|gt|quot|#39|#\d+);)/.test(m[3])) problems.push(`unescaped & in attribute at ${m.index}`);
    if (m[3] && /[\x00-\x08\x0B\x0C\x0E-\x1F]/.test(m[3])) problems.push(`control character in attribute at ${m.index}`);
  }
  if (stack.length) problems.push(`unclosed ${stack.join(',')}`);
  return problems;
}
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe('formatDuration', () => {
  it('reads like a person would say it', () => {
    expect([0, 340, 4_240, 185_000, 3_720_000, NaN].map(formatDuration)).toEqual(['0 ms', '340 ms', '4.2 s', '3m 05s', '1h 02m', '–']);
  });
});

describe('renderText', () => {
  it('without colour: no escape codes; a line per step with the duration right-aligned', () => {
    const text = renderText({ record: sample(), color: false });
    expect(text).not.toContain('\x1b');
    expect(text.split('\n')[1]).toBe(`✖ FAILED  ${sample().headline}`);
    const stepLines = text.split('\n').filter((l) => /^ {2}[✔●▲✖○] /.test(l)).slice(0, 6);
    expect(stepLines.map((l) => l.trim().split(/\s+/)[1])).toEqual(['validate', 'build', 'sync-dags', 'test', 'gate', 'report']);
    for (const l of stepLines) expect(l.length).toBe(100);
    expect(stepLines[1].endsWith('8.2 s')).toBe(true);
    expect(stepLines[3]).toContain('EVERDICT: dbt in dev: 1 test failed');
    expect(stepLines[4]).toContain('an earlier step failed');
    expect(text).toContain('hint: see the dbt-tests cases');
    // Worst cases first under the check, with their messages.
    const caseLines = text.split('\n').filter((l) => /^ {6}[✖▲○] /.test(l));
    expect(caseLines[0]).toMatch(/✖ error test_fact_listings_not_null: Database Error/);
    expect(caseLines[1]).toContain('✖ fail test_fact_listings_unique_item_id: Got 113 results, configured to fail if != 0');
    expect(text).toMatch(/total 30\.0 s · verdict failed · https:\/\/github\.com/);
  });

  it('with colour: the verdict and failed lines are red, skipped yellow', () => {
    const text = renderText({ record: sample(), color: true });
    expect(text).toContain('\x1b[31m✖ FAILED\x1b[0m');
    expect(text).toContain('\x1b[33mskipped  \x1b[0m');
  });

  it('a dry run shows its plan', () => {
    const text = renderText({ record: sample({ dryRun: true, verdict: 'unverified', plan: [{ step: 'build', items: [{ action: 'push', target: 'estat/dbt', detail: 'code layer' }] }, { step: 'gate', items: [] }] }), color: false });
    expect(text).toContain('Plan (dry run: nothing was changed)');
    expect(text).toContain('    → push estat/dbt (code layer)');
    expect(text).toContain('    nothing to do');
  });
});

describe('renderJunit', () => {
  const xml = renderJunit({ record: sample() });

  it('is well-formed XML with everything escaped', () => {
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; bell red');
    // The checker itself catches what it is there to catch.
    expect(xmlProblems('<a><b>x & y</b></a>')).toEqual(['unescaped & in text at 6']);
    expect(xmlProblems('<a><b></a>')).not.toEqual([]);
  });

  it('one suite for the steps and one per check, with a test case per step and per case', () => {
    expect(count(xml, /<testsuite /g)).toBe(4);
    expect(xml).toContain('<testsuite name="dataship.push-to-deploy" tests="6" failures="1" errors="0" skipped="1" time="29.570"');
    expect(xml).toContain('<testsuite name="dataship.push-to-deploy.dbt-tests" tests="35" failures="1" errors="1" skipped="0"');
    expect(count(xml, /<testcase /g)).toBe(6 + 35 + 1 + 1);
    expect(count(xml, /<failure /g)).toBe(2);
    expect(count(xml, /<error /g)).toBe(1);
    expect(count(xml, /<skipped /g)).toBe(2);
    expect(xml).toMatch(/<testsuites name="dataship push-to-deploy" tests="43" failures="2" errors="1" skipped="2" time="30.000">/);
    expect(xml).toContain('<failure message="EVERDICT: dbt in dev: 1 test failed" type="EVERDICT">');
    expect(xml).toContain('<skipped message="an earlier step failed"/>');
    expect(xml).toContain('<testcase classname="dataship.push-to-deploy.dbt-tests.test" name="test_fact_listings_unique_item_id" time="0.311">');
    expect(xml).toContain('<failure message="Got 113 results, configured to fail if != 0" type="fail">');
  });

  it('a warn passes with a note; a skipped case is skipped', () => {
    const check: CheckSummary = {
      name: 'dbt-tests',
      status: 'warn',
      summary: 's',
      cases: [
        { id: 'test.p.a.0123456789', name: 'a', status: 'warn', message: 'Got 4 results, configured to warn if != 0', failures: 4, durationMs: 10 },
        { id: 'model.p.m', name: 'm', status: 'skipped', durationMs: 0 },
      ],
    };
    const out = renderJunit({ record: sample({ checks: [check] }) });
    expect(xmlProblems(out)).toEqual([]);
    expect(out).toContain('<system-out>warn: Got 4 results, configured to warn if != 0 (failures: 4)</system-out>');
    expect(out).toMatch(/name="m" time="0.000">\n\s+<skipped message="skipped: an upstream node failed or was not selected"\/>/);
    expect(out).toContain('tests="2" failures="0" errors="0" skipped="1"');
  });
});

describe('renderHtml', () => {
  const html = renderHtml({ record: sample() });

  it('is one self-contained file: inline CSS, no scripts, no external assets', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(count(html, /href="/g)).toBe(1);
  });

  it('escapes a <script> planted in a step summary', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('image built &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(html).not.toContain('\x07');
    expect(html).not.toContain('\x1b');
  });

  it('draws a timeline bar per step, placed by start offset and duration, coloured by status', () => {
    const bars = [...html.matchAll(/<div class="tl-bar b-(\w+)" data-step="([^"]+)" style="left:([\d.]+)%;width:([\d.]+)%"/g)].map((m) => ({ tone: m[1], step: m[2], left: Number(m[3]), width: Number(m[4]) }));
    expect(bars.map((b) => b.step)).toEqual(['validate', 'build', 'sync-dags', 'test', 'gate', 'report']);
    expect(bars.map((b) => b.tone)).toEqual(['neutral', 'ok', 'ok', 'bad', 'skip', 'neutral']);
    expect(bars[1].left).toBeCloseTo(1.5, 3);
    expect(bars[1].width).toBeCloseTo((8200 / 30000) * 100, 3);
    expect(bars[3].left).toBeCloseTo((10700 / 30000) * 100, 3);
    expect(bars[4].width).toBe(0.4);
  });

  it('shows the release digests, checks, and test cases worst first', () => {
    for (const d of ['r-0123456789abcdef', '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', `sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`, `sha256:${'c'.repeat(64)}`, `sha256:${'d'.repeat(64)}`]) expect(html).toContain(d);
    expect(html).toContain('<span class="badge t-bad">✖ Failed</span>');
    const iError = html.indexOf('test_fact_listings_not_null');
    const iFail = html.indexOf('test_fact_listings_unique_item_id');
    const passing = sample().checks[0].cases!.find((c) => c.status === 'pass')!;
    const iPass = html.indexOf(`>${passing.name}<`);
    expect(iError).toBeGreaterThan(0);
    expect(iError).toBeLessThan(iFail);
    expect(iFail).toBeLessThan(html.indexOf('33 passing'));
    expect(iPass).toBeGreaterThan(iFail);
    expect(html).toContain('<summary>2 not passing</summary>');
  });

  it('shows the plan of a dry run', () => {
    const dry = renderHtml({ record: sample({ dryRun: true, verdict: 'unverified', plan: [{ step: 'build', items: [{ action: 'push', target: '<img src=x>' }] }] }) });
    expect(dry).toContain('Plan <span class="muted">(dry run: nothing was changed)</span>');
    expect(dry).toContain('push <code>&lt;img src=x&gt;</code>');
    expect(dry).toContain('<span class="badge t-warn">▲ Dry run</span>');
  });
});

describe('renderMarkdown', () => {
  it('starts with the hidden marker and has the steps and checks tables', () => {
    const md = renderMarkdown({ record: sample() });
    expect(md.split('\n')[0]).toBe(REPORT_MARKER);
    expect(md).toContain('### ❌ push-to-deploy · dev — failed');
    expect(md).toContain('| ❌ | test | failed | 17.0 s | EVERDICT: dbt in dev: 1 test failed |');
    expect(md).toContain('| ⏭️ | gate | skipped | 0 ms | an earlier step failed |');
    expect(md).toContain('image built &lt;script&gt;alert("x")&lt;/script&gt; &amp; \'quotes\' bell red');
    expect(md).toContain('| ❌ | dbt-tests | fail | 35 tests: 33 passed, 1 failed, 1 errored |');
    expect(md.indexOf('2 not passing')).toBeLessThan(md.indexOf('33 passing'));
    expect(md).toContain('[logs](https://github.com/o/r/actions/runs/1)');
  });

  it('escapes pipes and newlines inside cells', () => {
    const md = renderMarkdown({ record: sample({ steps: [{ name: 'a|b', status: 'changed', summary: 'x | y\nz', startedAt: at(0), durationMs: 1 }] }) });
    expect(md).toContain('| ✅ | a\\|b | changed | 1 ms | x \\| y z |');
  });

  it(`stays within ${MARKDOWN_LIMIT} characters, keeping failures first and noting what it left out`, () => {
    const cases = Array.from({ length: 5000 }, (_, i) => ({
      id: `test.p.t${i}.0123456789`,
      name: `t${i}_${'x'.repeat(60)}`,
      status: i % 50 === 0 ? 'fail' : 'pass',
      message: i % 50 === 0 ? `Got ${i} results, configured to fail if != 0 ${'m'.repeat(200)}` : undefined,
      failures: i % 50 === 0 ? i : 0,
      durationMs: 5,
    }));
    const md = renderMarkdown({ record: sample({ checks: [{ name: 'dbt-tests', status: 'fail', summary: 'many', cases }] }) });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md.split('\n')[0]).toBe(REPORT_MARKER);
    // All 100 failures fit; passing cases were cut, with a note.
    expect(count(md, /\| ❌ \| test \| t\d+_x/g)).toBe(100);
    expect(md).toMatch(/> \d+ cases of dbt-tests not shown here \(GitHub limit of 65,536 characters\)/);
    expect(md.trimEnd().endsWith('</sub>')).toBe(true);
  });
});

describe('renderJson', () => {
  it('is the record, round-trippable', () => {
    const r = sample();
    expect(JSON.parse(renderJson({ record: r }))).toEqual(JSON.parse(JSON.stringify(r)));
  });
});
