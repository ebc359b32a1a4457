/**
 * The I/O `validate` needs, behind one small interface so the step can be run against other
 * implementations: file discovery, and one runner per external tool (each invoked once over all
 * the files it checks).
 */
import { validateGithubYaml } from './action-validator.js';
import { listFiles, readText } from './files.js';
import { parseJenkinsfiles, type GroovyResult } from './groovy-parse.js';
import { parseHcl } from './hcl.js';
import { inspectDagFiles, type DagInspectResult } from './python-dags.js';
import { lintSql, type SqlfluffResult } from './sqlfluff.js';
import type { TerraformFile } from '../../core/validate/terraform-policy.js';
import type { ValidatorState } from '../../core/validate/workflow-checks.js';

export interface ValidateTools {
  listFiles(opts: { root: string; dir: string; include: (rel: string) => boolean }): Promise<string[]>;
  readText(opts: { root: string; path: string }): Promise<string>;
  inspectDags(opts: { root: string; files: { path: string; rel: string }[]; env?: NodeJS.ProcessEnv }): Promise<DagInspectResult>;
  parseJenkinsfiles(opts: { files: string[]; env?: NodeJS.ProcessEnv }): Promise<GroovyResult>;
  lintSql(opts: { projectDir: string; paths: string[]; env?: NodeJS.ProcessEnv }): Promise<SqlfluffResult>;
  parseHcl(opts: { path: string; text: string }): Promise<TerraformFile>;
  validateGithubYaml(opts: { kind: 'workflow' | 'action'; text: string }): Promise<ValidatorState>;
}

/** The tools on this machine: python3, groovy, sqlfluff on PATH; hcl2json and action-validator from npm. */
export const localValidateTools: ValidateTools = {
  listFiles,
  readText,
  inspectDags: inspectDagFiles,
  parseJenkinsfiles,
  lintSql,
  parseHcl,
  validateGithubYaml,
};

export type { DagInspectResult, GroovyResult, SqlfluffResult };
