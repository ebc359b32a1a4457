/**
 * One runner per kind of content `validate` checks. Each finds its files, runs its external tool
 * once over all of them (through `ValidateTools`), and hands the results to the pure rules in
 * `ci/core/validate/`. A tool that is missing gives a `skipped` entry with the reason.
 */
import { join } from 'node:path';
import { isDataShipError } from '../core/errors.js';
import { loadConfig } from '../core/config/load.js';
import { checkDags } from '../core/validate/dags-checks.js';
import { checkDbtProject } from '../core/validate/dbt-checks.js';
import { buildDbtIndex, type DbtIndex } from '../core/validate/dbt-project.js';
import { checkJenkinsfiles } from '../core/validate/jenkins-checks.js';
import { emptyOutput, problem, type CheckOutput } from '../core/validate/problem.js';
import { checkTerraform } from '../core/validate/terraform-policy.js';
import { checkWorkflowFile } from '../core/validate/workflow-checks.js';
import type { ValidateTools } from '../adapters/validate/index.js';

export interface CheckContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  tools: ValidateTools;
  dirs: { dbt: string; dags: string; terraform: string };
  /** The configuration file to check (repository-relative or absolute); default dataship.yaml. */
  configFile?: string;
  /** The dbt index, built once and shared by the dbt and DAG checks. */
  dbtIndex(): Promise<DbtIndex | undefined>;
}

function nothing(check: string, what: string): CheckOutput {
  return { problems: [], skipped: [{ check, reason: `no ${what}` }] };
}

/** Reads the dbt project's files and indexes them (undefined when there is no project folder). */
export async function loadDbtIndex(ctx: Pick<CheckContext, 'cwd' | 'tools' | 'dirs'>): Promise<DbtIndex | undefined> {
  const paths = await ctx.tools.listFiles({ root: ctx.cwd, dir: ctx.dirs.dbt, include: (p) => /\.(ya?ml|sql|py|csv)$/.test(p) });
  if (!paths.length) return undefined;
  const files = await Promise.all(paths.map(async (path) => ({ path, text: await ctx.tools.readText({ root: ctx.cwd, path }) })));
  return buildDbtIndex({ dir: ctx.dirs.dbt.replace(/^\.\/?|\/+$/g, ''), files });
}

export async function dbtCheck(ctx: CheckContext): Promise<CheckOutput> {
  const index = await ctx.dbtIndex();
  if (!index) return nothing('dbt/project', `dbt project under ${ctx.dirs.dbt}/`);
  return { problems: checkDbtProject(index), skipped: [] };
}

export async function sqlfluffCheck(ctx: CheckContext): Promise<CheckOutput> {
  const index = await ctx.dbtIndex();
  if (!index) return nothing('dbt/sqlfluff', `dbt project under ${ctx.dirs.dbt}/`);
  const project = index.dir;
  const r = await ctx.tools.lintSql({ projectDir: join(ctx.cwd, project), paths: index.lintPaths, env: ctx.env });
  if (!r.ok) return { problems: [], skipped: [{ check: 'dbt/sqlfluff', reason: r.reason }] };
  return {
    problems: r.violations.map((v) =>
      problem({
        kind: 'dbt',
        rule: 'dbt/sqlfluff',
        message: `${v.code}: ${v.description}`,
        file: project ? `${project}/${v.file.replace(/^\.\//, '')}` : v.file,
        line: v.line,
        column: v.column,
      }),
    ),
    skipped: [],
  };
}

export async function dagsCheck(ctx: CheckContext): Promise<CheckOutput> {
  const rels = await ctx.tools.listFiles({ root: ctx.cwd, dir: ctx.dirs.dags, include: (p) => p.endsWith('.py') });
  if (!rels.length) return nothing('dags', `Python files under ${ctx.dirs.dags}/`);
  const [r, dbt] = await Promise.all([
    ctx.tools.inspectDags({ root: join(ctx.cwd, ctx.dirs.dags), files: rels.map((rel) => ({ path: join(ctx.cwd, rel), rel })), env: ctx.env }),
    ctx.dbtIndex(),
  ]);
  if (!r.ok) return { problems: [], skipped: [{ check: 'dags', reason: r.reason }] };
  const out = { problems: checkDags({ inspection: r.inspection, dbt }), skipped: [] as CheckOutput['skipped'] };
  if (!dbt && r.inspection.files.some((f) => f.dbt?.length)) {
    out.skipped.push({ check: 'dags/dbt-select-resolves', reason: `no dbt project under ${ctx.dirs.dbt}/ to resolve selectors against` });
  }
  return out;
}

export async function terraformCheck(ctx: CheckContext): Promise<CheckOutput> {
  const rels = await ctx.tools.listFiles({ root: ctx.cwd, dir: ctx.dirs.terraform, include: (p) => /\.(tf|tfvars)$/.test(p) });
  if (!rels.length) return nothing('terraform', `.tf files under ${ctx.dirs.terraform}/`);
  const files = [];
  for (const path of rels) files.push(await ctx.tools.parseHcl({ path, text: await ctx.tools.readText({ root: ctx.cwd, path }) }));
  return { problems: checkTerraform(files), skipped: [] };
}

export async function workflowsCheck(ctx: CheckContext): Promise<CheckOutput> {
  const rels = await ctx.tools.listFiles({
    root: ctx.cwd,
    dir: '.github',
    include: (p) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p) || /^\.github\/actions\/.+\/action\.ya?ml$/.test(p),
  });
  if (!rels.length) return nothing('workflows', 'workflows under .github/workflows/ or actions under .github/actions/');
  const out = emptyOutput();
  for (const file of rels) {
    const text = await ctx.tools.readText({ root: ctx.cwd, path: file });
    const kind = file.startsWith('.github/workflows/') ? 'workflow' : 'action';
    const state = await ctx.tools.validateGithubYaml({ kind, text });
    out.problems.push(...checkWorkflowFile({ file, text, state }));
  }
  return out;
}

export async function jenkinsCheck(ctx: CheckContext): Promise<CheckOutput> {
  const nested = await ctx.tools.listFiles({ root: ctx.cwd, dir: 'jenkins', include: (p) => /(^|\/)Jenkinsfile[^/]*$/.test(p) });
  const atRoot = await ctx.tools.readText({ root: ctx.cwd, path: 'Jenkinsfile' }).then(
    () => true,
    () => false,
  );
  const rels = [...(atRoot ? ['Jenkinsfile'] : []), ...nested];
  if (!rels.length) return nothing('jenkins', 'Jenkinsfile at the root or under jenkins/');
  const r = await ctx.tools.parseJenkinsfiles({ files: rels.map((rel) => join(ctx.cwd, rel)), env: ctx.env });
  if (!r.ok) return { problems: [], skipped: [{ check: 'jenkins', reason: r.reason }] };
  const byPath = new Map(rels.map((rel) => [join(ctx.cwd, rel), rel]));
  return { problems: checkJenkinsfiles({ reports: r.reports.map((rep) => ({ ...rep, file: byPath.get(rep.file) ?? rep.file })) }), skipped: [] };
}

export async function configCheck(ctx: CheckContext): Promise<CheckOutput> {
  try {
    await loadConfig({ cwd: ctx.cwd, file: ctx.configFile, env: ctx.env });
    return emptyOutput();
  } catch (err) {
    if (!isDataShipError(err)) throw err;
    const file = err.location?.file ?? ctx.configFile ?? 'dataship.yaml';
    const list = err.problems.length ? err.problems : [{ message: err.message, location: err.location, hint: err.hint }];
    return {
      problems: list.map((p) =>
        problem({
          kind: 'config',
          rule: err.code === 'ECONFIGMISSING' ? 'config/exists' : 'config/schema',
          message: `${'path' in p && p.path ? `${p.path}: ` : ''}${p.message}${'expected' in p && p.expected ? ` (expected ${p.expected})` : ''}`,
          file: p.location?.file ?? file,
          line: p.location?.line ?? 1,
          column: p.location?.column,
          hint: p.hint,
        }),
      ),
      skipped: [],
    };
  }
}
