/**
 * `dataship validate` end to end with the real tools (python3, groovy, sqlfluff, hcl2json,
 * action-validator): a clean baseline repository (test/fixtures/validate/baseline) gives no
 * problem; each broken variant — one mistake, all six kinds — is reported with the right rule,
 * file and line, fails the step with EVALIDATE (exit 1), and never crashes the validator. Then the
 * repository itself must validate clean.
 */
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataShipError, formatError, exitCodeFor } from '../../ci/core/errors.js';
import type { Logger, RunContext } from '../../ci/core/types.js';
import type { CheckKind, ValidateProblem } from '../../ci/core/validate/problem.js';
import { localValidateTools } from '../../ci/adapters/validate/index.js';
import { createValidateStep, validateRepository, type CheckName, type ValidateResult } from '../../ci/steps/validate.js';

const BASELINE = fileURLToPath(new URL('../fixtures/validate/baseline', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function copyBaseline(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dataship-validate-'));
  temps.push(dir);
  await cp(BASELINE, dir, { recursive: true });
  return dir;
}

/** Replaces text in a file, failing loudly when the text is not there (the variant must change something). */
async function replaceIn(root: string, file: string, from: string | RegExp, to: string): Promise<void> {
  const path = join(root, file);
  const text = await readFile(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`variant edit did not apply: ${String(from)} not found in ${file}`);
  await writeFile(path, next);
}

async function writeTo(root: string, file: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
}

/** 1-based line of the first line containing `needle`. */
async function lineOf(root: string, file: string, needle: string): Promise<number> {
  const lines = (await readFile(join(root, file), 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

function collectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: () => {},
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    group: (_t, fn) => fn(),
    progress: () => {},
  };
}

function context(cwd: string, logger: Logger): RunContext {
  return {
    cwd,
    env: process.env,
    logger,
    config: undefined as never,
    configPath: 'dataship.yaml',
    adapters: undefined as never,
    dryRun: false,
    local: true,
    runId: 'test',
    job: 'validate',
    redactor: undefined as never,
    state: { results: [], facts: {} },
    actor: 'test',
    secret: async () => '',
  };
}

interface Variant {
  name: string;
  kind: CheckKind;
  checks: Array<CheckKind | CheckName>;
  edit: (root: string) => Promise<void>;
  rule: string;
  file: string;
  /** The expected line, or a text whose line (in the edited file) is expected. */
  line: number | string;
}

const DAG = 'airflow-dags/shop_daily.py';
const WEEKLY = 'airflow-dags/shop_weekly.py';
const PROD_TF = 'terraform/envs/prod/main.tf';
const CI = '.github/workflows/ci.yml';
const ACTION = '.github/actions/setup/action.yml';
const JENKINS = 'jenkins/Jenkinsfile.nightly';

const variants: Variant[] = [
  // dbt
  {
    name: 'ref() to a model that does not exist',
    kind: 'dbt',
    checks: ['dbt/project'],
    edit: (r) => replaceIn(r, 'dbt/models/marts/fct_orders.sql', "ref('int_orders__with_customers')", "ref('int_orders__with_customer')"),
    rule: 'dbt/ref-resolves',
    file: 'dbt/models/marts/fct_orders.sql',
    line: "ref('int_orders__with_customer')",
  },
  {
    name: 'source() to a table the source does not declare',
    kind: 'dbt',
    checks: ['dbt/project'],
    edit: (r) => replaceIn(r, 'dbt/models/staging/shop/stg_shop__orders.sql', "source('shop', 'orders')", "source('shop', 'order')"),
    rule: 'dbt/source-resolves',
    file: 'dbt/models/staging/shop/stg_shop__orders.sql',
    line: "source('shop', 'order')",
  },
  {
    name: 'properties YAML that does not parse',
    kind: 'dbt',
    checks: ['dbt/project'],
    edit: (r) => replaceIn(r, 'dbt/models/marts/_marts__models.yml', '    description: One row per order.', '    description: One row: per order.'),
    rule: 'dbt/yaml-valid',
    file: 'dbt/models/marts/_marts__models.yml',
    line: 'description: One row: per order.',
  },
  {
    name: 'a model without a primary-key test',
    kind: 'dbt',
    checks: ['dbt/project'],
    edit: (r) => replaceIn(r, 'dbt/models/marts/_marts__models.yml', /(name: dim_customers\n {4}columns:\n {6}- name: customer_id\n {8}data_tests:\n) {10}- unique\n/, '$1'),
    rule: 'dbt/primary-key-test',
    file: 'dbt/models/marts/_marts__models.yml',
    line: '- name: dim_customers',
  },
  {
    name: 'a marts model not named fct_/dim_',
    kind: 'dbt',
    checks: ['dbt/project'],
    edit: async (r) => {
      await writeTo(r, 'dbt/models/marts/orders_summary.sql', "select order_id from {{ ref('fct_orders') }}\n");
      await writeTo(r, 'dbt/models/marts/_summary.yml', 'version: 2\nmodels:\n  - name: orders_summary\n    columns:\n      - name: order_id\n        data_tests: [unique, not_null]\n');
    },
    rule: 'dbt/model-naming',
    file: 'dbt/models/marts/orders_summary.sql',
    line: 1,
  },
  {
    name: 'SQL that sqlfluff rejects',
    kind: 'dbt',
    checks: ['dbt/sqlfluff'],
    edit: (r) => replaceIn(r, 'dbt/models/marts/fct_orders.sql', '    amount,\n', '    amount,ordered_at as ordered_on,\n'),
    rule: 'dbt/sqlfluff',
    file: 'dbt/models/marts/fct_orders.sql',
    line: 'amount,ordered_at',
  },
  // DAGs
  {
    name: 'a DAG file that does not compile',
    kind: 'dags',
    checks: ['dags'],
    edit: (r) => replaceIn(r, DAG, 'def read_config():', 'def read_config(:'),
    rule: 'dags/compiles',
    file: DAG,
    line: 'def read_config(:',
  },
  {
    name: 'two DAGs with one dag_id',
    kind: 'dags',
    checks: ['dags'],
    edit: (r) => replaceIn(r, WEEKLY, '@dag(dag_id="shop_weekly"', '@dag(dag_id="shop_daily"'),
    rule: 'dags/dag-id-unique',
    file: WEEKLY,
    line: '@dag(dag_id="shop_daily"',
  },
  {
    name: 'a task with retries=0',
    kind: 'dags',
    checks: ['dags'],
    edit: (r) => replaceIn(r, DAG, '        retries=4,', '        retries=0,'),
    rule: 'dags/task-retries',
    file: DAG,
    line: 'hourly = BashOperator(',
  },
  {
    name: 'a DAG whose default_args have no retries',
    kind: 'dags',
    checks: ['dags'],
    edit: (r) => replaceIn(r, WEEKLY, 'default_args=DEFAULT_ARGS, ', 'default_args={"owner": "data"}, '),
    rule: 'dags/task-retries',
    file: WEEKLY,
    line: 'snapshot = BashOperator(',
  },
  {
    name: 'a module-level Variable.get',
    kind: 'dags',
    checks: ['dags'],
    edit: (r) => replaceIn(r, DAG, '\n\ndef read_config():', '\nCONFIG = Variable.get("shop_config")\n\ndef read_config():'),
    rule: 'dags/module-level-call',
    file: DAG,
    line: 'CONFIG = Variable.get',
  },
  {
    name: 'a dbt --select that matches nothing',
    kind: 'dags',
    checks: ['dags'],
    edit: (r) => replaceIn(r, WEEKLY, '--select snp_shop__customers', '--select snp_shop__customer'),
    rule: 'dags/dbt-select-resolves',
    file: WEEKLY,
    line: '--select snp_shop__customer"',
  },
  // Terraform
  {
    name: 'a .tf file that does not parse',
    kind: 'terraform',
    checks: ['terraform'],
    edit: (r) => replaceIn(r, PROD_TF, '  name                 = "shop-dbt"', '  name                 = "shop-dbt'),
    rule: 'terraform/parses',
    file: PROD_TF,
    line: '  name                 = "shop-dbt',
  },
  {
    name: 'a wildcard action on a prod role (jsonencode)',
    kind: 'terraform',
    checks: ['terraform'],
    edit: (r) => replaceIn(r, PROD_TF, '["ssm:GetParameter", "ssm:GetParameterHistory"]', '["ssm:*"]'),
    rule: 'terraform/iam-wildcard-action',
    file: PROD_TF,
    line: '["ssm:*"]',
  },
  {
    name: 'a wildcard action in a prod policy document',
    kind: 'terraform',
    checks: ['terraform'],
    edit: (r) => replaceIn(r, PROD_TF, 'actions   = ["ecr:BatchCheckLayerAvailability"', 'actions   = ["*", "ecr:BatchCheckLayerAvailability"'),
    rule: 'terraform/iam-wildcard-action',
    file: PROD_TF,
    line: 'actions   = ["*",',
  },
  {
    name: 'a mutable ECR repository',
    kind: 'terraform',
    checks: ['terraform'],
    edit: (r) => replaceIn(r, PROD_TF, '"IMMUTABLE_WITH_EXCLUSION"', '"MUTABLE"'),
    rule: 'terraform/ecr-immutable',
    file: PROD_TF,
    line: 'image_tag_mutability = "MUTABLE"',
  },
  {
    name: 'an OIDC trust open to any repository of the owner',
    kind: 'terraform',
    checks: ['terraform'],
    edit: (r) => replaceIn(r, PROD_TF, '"repo:example-org/shop:environment:prod"', '"repo:example-org/*:environment:prod"'),
    rule: 'terraform/oidc-trust-pinned',
    file: PROD_TF,
    line: 'repo:example-org/*',
  },
  // Workflows and actions
  {
    name: 'a workflow job without runs-on',
    kind: 'workflows',
    checks: ['workflows'],
    edit: (r) => replaceIn(r, CI, '    runs-on: ubuntu-latest\n', ''),
    rule: 'workflows/schema',
    file: CI,
    line: '  validate:',
  },
  {
    name: 'a step with an unknown key',
    kind: 'workflows',
    checks: ['workflows'],
    edit: (r) => replaceIn(r, CI, '      - run: npx dataship validate', '      - run: npx dataship validate\n        timeout: 5'),
    rule: 'workflows/schema',
    file: CI,
    line: '      - run: npx dataship validate',
  },
  {
    name: 'a third-party action pinned to a tag',
    kind: 'workflows',
    checks: ['workflows'],
    edit: (r) => replaceIn(r, CI, 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2', 'actions/checkout@v4'),
    rule: 'workflows/action-pinned',
    file: CI,
    line: 'actions/checkout@v4',
  },
  {
    name: 'a composite action step without shell',
    kind: 'workflows',
    checks: ['workflows'],
    edit: (r) => replaceIn(r, ACTION, '      shell: bash\n', ''),
    rule: 'workflows/schema',
    file: ACTION,
    line: '    - run: npm ci',
  },
  {
    name: 'an unpinned action inside a composite action',
    kind: 'workflows',
    checks: ['workflows'],
    edit: (r) => replaceIn(r, ACTION, /actions\/setup-node@[0-9a-f]{40}/, 'actions/setup-node@main'),
    rule: 'workflows/action-pinned',
    file: ACTION,
    line: 'actions/setup-node@main',
  },
  // Jenkins
  {
    name: 'a Jenkinsfile that does not parse',
    kind: 'jenkins',
    checks: ['jenkins'],
    edit: (r) => replaceIn(r, JENKINS, "        sh 'npx dataship validate'\n      }\n", "        sh 'npx dataship validate'\n"),
    rule: 'jenkins/parses',
    file: JENKINS,
    line: 28,
  },
  {
    name: 'a misspelt step',
    kind: 'jenkins',
    checks: ['jenkins'],
    edit: (r) => replaceIn(r, JENKINS, "        sh 'npx dataship build'", "        shh 'npx dataship build'"),
    rule: 'jenkins/known-step',
    file: JENKINS,
    line: "shh 'npx dataship build'",
  },
  {
    name: 'an unknown step in post',
    kind: 'jenkins',
    checks: ['jenkins'],
    edit: (r) => replaceIn(r, JENKINS, '    always {\n', "    always {\n      notifyTeams 'done'\n"),
    rule: 'jenkins/known-step',
    file: JENKINS,
    line: "notifyTeams 'done'",
  },
  // dataship.yaml
  {
    name: 'an unknown key in dataship.yaml',
    kind: 'config',
    checks: ['config'],
    edit: (r) => replaceIn(r, 'dataship.yaml', '  dagsDir: airflow-dags', '  dagsDir: airflow-dags\n  dagDir: dags'),
    rule: 'config/schema',
    file: 'dataship.yaml',
    line: '  dagDir: dags',
  },
  {
    name: 'a value of the wrong type in dataship.yaml',
    kind: 'config',
    checks: ['config'],
    edit: (r) => replaceIn(r, 'dataship.yaml', '  allowSkipped: false', '  allowSkipped: sometimes'),
    rule: 'config/schema',
    file: 'dataship.yaml',
    line: '  allowSkipped: sometimes',
  },
  {
    name: 'dataship.yaml that does not parse',
    kind: 'config',
    checks: ['config'],
    edit: (r) => replaceIn(r, 'dataship.yaml', '  runtimeInputs: [dbt/Dockerfile]', '  runtimeInputs: [dbt/Dockerfile'),
    rule: 'config/schema',
    file: 'dataship.yaml',
    line: 11,
  },
];

function show(problems: ValidateProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line} [${p.rule}] ${p.message}`).join('\n');
}

describe('validate: the baseline', () => {
  it('is clean: every check of all six kinds runs and finds nothing', async () => {
    const root = await copyBaseline();
    const r = await validateRepository({ cwd: root });
    expect(show(r.problems)).toBe('');
    expect(r.skipped).toEqual([]);
    expect(r.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'dbt/project:passed',
      'dbt/sqlfluff:passed',
      'dags:passed',
      'terraform:passed',
      'workflows:passed',
      'jenkins:passed',
      'config:passed',
    ]);
  });

  it('as a step: unchanged with "7 checks, 0 problems"', async () => {
    const root = await copyBaseline();
    const outcome = await createValidateStep({ checks: ['dbt/project', 'dags', 'terraform', 'workflows', 'config'] }).run(context(root, collectingLogger()));
    expect(outcome).toMatchObject({ status: 'unchanged', summary: '5 checks, 0 problems' });
  });
});

describe.concurrent('validate: broken variants (one mistake each)', () => {
  it('cover all six kinds, at least three each, at least twenty in all', () => {
    expect(variants.length).toBeGreaterThanOrEqual(20);
    for (const kind of ['dbt', 'dags', 'terraform', 'workflows', 'jenkins', 'config']) {
      expect(variants.filter((v) => v.kind === kind).length, kind).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(variants.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const root = await copyBaseline();
    await v.edit(root);
    const line = typeof v.line === 'number' ? v.line : await lineOf(root, v.file, v.line);
    const logger = collectingLogger();
    const ctx = context(root, logger);
    let thrown: unknown;
    try {
      await createValidateStep({ checks: v.checks }).run(ctx);
    } catch (err) {
      thrown = err;
    }
    const result = ctx.state.facts.validate as ValidateResult;
    const problems = result.problems;
    // reported at the right rule, file and line
    expect(problems.some((p) => p.rule === v.rule && p.file === v.file && p.line === line), show(problems)).toBe(true);
    // only that file is blamed, nothing crashed, every tool ran
    expect(problems.filter((p) => p.file !== v.file), show(problems)).toEqual([]);
    expect(problems.filter((p) => p.rule.endsWith('/internal')), show(problems)).toEqual([]);
    expect(result.skipped).toEqual([]);
    // the step fails with EVALIDATE, exit 1, every problem listed with its location
    expect(thrown).toBeInstanceOf(DataShipError);
    const err = thrown as DataShipError;
    expect(err.code).toBe('EVALIDATE');
    expect(exitCodeFor(err)).toBe(1);
    expect(err.problems.some((p) => p.location?.file === v.file && p.location?.line === line)).toBe(true);
    // what the CLI prints for the failed step names the file and line
    expect(formatError(err)).toContain(`${v.file}:${line}`);
  });
});

describe('validate: when it cannot check', () => {
  it('reports missing tools as skipped with the reason, never as a pass', async () => {
    const root = await copyBaseline();
    const r = await validateRepository({ cwd: root, env: { PATH: '/nonexistent' }, checks: ['dbt', 'dags', 'jenkins'] });
    expect(r.problems).toEqual([]);
    expect(r.skipped.map((s) => s.check).sort()).toEqual(['dags', 'dbt/sqlfluff', 'jenkins']);
    expect(r.skipped.find((s) => s.check === 'dbt/sqlfluff')?.reason).toMatch(/sqlfluff is not installed/);
    expect(r.skipped.find((s) => s.check === 'jenkins')?.reason).toMatch(/groovy is not installed/);
    expect(r.checks.find((c) => c.name === 'dags')?.status).toBe('skipped');
    const outcome = await createValidateStep({ checks: ['jenkins'] }).run({ ...context(root, collectingLogger()), env: { PATH: '/nonexistent' } });
    expect(outcome.status).toBe('unchanged');
    expect(outcome.status === 'unchanged' && outcome.summary).toMatch(/1 skipped \(jenkins: groovy is not installed/);
  });

  it('turns a crashing check into an internal problem and still runs the others', async () => {
    const root = await copyBaseline();
    await replaceIn(root, 'dataship.yaml', '  allowSkipped: false', '  allowSkipped: maybe');
    const tools = { ...localValidateTools, parseHcl: async () => { throw new Error('boom'); } };
    const r = await validateRepository({ cwd: root, tools, checks: ['terraform', 'config'] });
    expect(r.problems.map((p) => `${p.file}:${p.rule}`)).toEqual(['dataship.yaml:config/schema', 'terraform:terraform/internal']);
    expect(r.problems[1].message).toMatch(/boom/);
  });

  it('refuses a folder that does not exist (exit 2)', async () => {
    const err = await validateRepository({ cwd: join(tmpdir(), 'no-such-repo-for-validate') }).catch((e) => e);
    expect(err).toBeInstanceOf(DataShipError);
    expect(exitCodeFor(err)).toBe(2);
  });
});

describe('validate: this repository as committed', () => {
  it('has no problems, and every check runs', async () => {
    const r = await validateRepository({ cwd: REPO });
    console.log(`validate over the repository: ${r.durationMs} ms; ${r.checks.map((c) => `${c.name} ${c.status} ${c.durationMs} ms`).join(', ')}`);
    expect(show(r.problems)).toBe('');
    expect(r.skipped).toEqual([]);
  });
});
