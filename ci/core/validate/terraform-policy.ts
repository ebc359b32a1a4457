/**
 * The Terraform rules of `validate`, over each file's raw text and its HCL-to-JSON form:
 * - `terraform/parses`: every .tf file parses;
 * - `terraform/iam-wildcard-action`: no Allow statement grants `*` or `service:*` in prod scope
 *   (policy documents, jsonencode'd and heredoc JSON policies alike);
 * - `terraform/ecr-immutable`: every `aws_ecr_repository` keeps release tags immutable
 *   (`IMMUTABLE` or `IMMUTABLE_WITH_EXCLUSION`);
 * - `terraform/oidc-trust-pinned`: a role trusting GitHub's OIDC provider must condition
 *   `token.actions.githubusercontent.com:sub` on `repo:<owner>/<repo>:…` with no wildcard in
 *   owner or repository.
 * Prod scope: a directory named prod (production, prd) and every local module it calls, or a
 * top-level block whose labels name prod. `var.x` and `local.x` are resolved from defaults,
 * `*.tfvars`, locals and module call arguments (see terraform-values.ts); an OIDC subject whose
 * owner or repository stays an unresolved variable is accepted (it names one repository, whatever
 * value it gets, unless that value is a wildcard, which resolution shows). Pure.
 */
import { attributeOffset, bracePairs, enclosingPair, findTopBlock, stringsAt, topBlocks, type BracePair } from './hcl-text.js';
import { lineOf, problem, type ValidateProblem } from './problem.js';
import { dirOf, terraformValues, type TerraformValues } from './terraform-values.js';

export interface TerraformFile {
  /** Repository-relative path. */
  path: string;
  text: string;
  /** hcl2json output; absent when the file did not parse. */
  json?: Record<string, any>;
  parseError?: { message: string; line: number; column?: number };
}

const OIDC_HOST = 'token.actions.githubusercontent.com';
const WILDCARD_ACTION = /^(\*|[A-Za-z0-9-]+:\*)$/;
const PROD_LABEL = /(^|[_.-])(prod|production|prd)([_.-]|$)/i;

export function checkTerraform(files: TerraformFile[]): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const values = terraformValues(files);
  for (const f of files) {
    if (f.parseError) {
      out.push(problem({ kind: 'terraform', rule: 'terraform/parses', message: `does not parse: ${f.parseError.message}`, file: f.path, line: f.parseError.line, column: f.parseError.column }));
      continue;
    }
    if (!f.path.endsWith('.tf')) continue;
    const pairs = bracePairs(f.text);
    const blocks = topBlocks(f.text, pairs);
    out.push(...wildcardActions(f, pairs, blocks, values), ...ecrMutability(f, blocks, values), ...oidcTrust(f, pairs, blocks, values));
  }
  return out;
}

function wildcardActions(f: TerraformFile, pairs: BracePair[], blocks: ReturnType<typeof topBlocks>, values: TerraformValues): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const prodFile = values.isProdDir(dirOf(f.path));
  for (const m of f.text.matchAll(/(^|[\s{,])"?(actions|Action)"?\s*[=:]/gm)) {
    const at = (m.index ?? 0) + m[1].length;
    const block = blocks.find((b) => b.start <= at && at <= b.end);
    if (!prodFile && !(block && block.labels.some((l) => PROD_LABEL.test(l)))) continue;
    const statement = enclosingPair(pairs, at);
    const body = statement ? f.text.slice(statement.open, statement.close) : '';
    if (/"?(effect|Effect)"?\s*[=:]\s*"Deny"/.test(body)) continue;
    for (const s of stringsAt(f.text, at + m[0].length - m[1].length)) {
      if (!values.resolve(dirOf(f.path), s.value).some((v) => WILDCARD_ACTION.test(v))) continue;
      out.push(
        problem({
          kind: 'terraform',
          rule: 'terraform/iam-wildcard-action',
          message: `IAM action '${s.value}' on a prod resource${block ? ` (${block.header})` : ''}`,
          file: f.path,
          line: lineOf(f.text, s.offset),
          hint: 'list the actions the role needs',
        }),
      );
    }
  }
  return out;
}

function ecrMutability(f: TerraformFile, blocks: ReturnType<typeof topBlocks>, values: TerraformValues): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  for (const [name, defs] of Object.entries<any[]>(f.json?.resource?.aws_ecr_repository ?? {})) {
    const block = findTopBlock(blocks, 'resource', 'aws_ecr_repository', name);
    const raw = defs[0]?.image_tag_mutability;
    const resolved = typeof raw === 'string' ? values.resolve(dirOf(f.path), raw) : [];
    const bad = resolved.find((v) => v !== 'IMMUTABLE' && v !== 'IMMUTABLE_WITH_EXCLUSION');
    if (resolved.length && bad === undefined) continue;
    const value = bad;
    const attr = block ? attributeOffset(f.text, block.start, block.end, 'image_tag_mutability') : -1;
    out.push(
      problem({
        kind: 'terraform',
        rule: 'terraform/ecr-immutable',
        message:
          value === undefined
            ? `aws_ecr_repository.${name} leaves image_tag_mutability at MUTABLE: release tags could be overwritten`
            : value.includes('${')
              ? `aws_ecr_repository.${name} has image_tag_mutability = ${value}, which cannot be shown to be IMMUTABLE`
              : `aws_ecr_repository.${name} has image_tag_mutability = ${value}: release tags must be immutable`,
        file: f.path,
        line: attr >= 0 ? lineOf(f.text, attr) : block?.line ?? 1,
        hint: 'use IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION with filters for environment tags',
      }),
    );
  }
  return out;
}

/** `repo:<owner>/<repo>:…` with no wildcard in owner or repository (an unresolved `${var.x}` part passes). */
function pinnedSubject(value: string): boolean {
  const m = /^repo:((?:\$\{[^}]*\}|[^/:])+)\/((?:\$\{[^}]*\}|[^/:])+):./.exec(value);
  const wild = (part: string) => /[*?[]/.test(part.replace(/\$\{[^}]*\}/g, ''));
  return !!m && !wild(m[1]) && !wild(m[2]);
}

function oidcTrust(f: TerraformFile, pairs: BracePair[], blocks: ReturnType<typeof topBlocks>, values: TerraformValues): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const dir = dirOf(f.path);
  for (const b of blocks) {
    const body = f.text.slice(b.start, b.end);
    if (!body.includes('AssumeRoleWithWebIdentity')) continue;
    const mentions = [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].some((s) => values.resolve(dir, s[1]).some((v) => v.includes(OIDC_HOST)));
    if (!mentions) continue;
    const at = { kind: 'terraform' as const, rule: 'terraform/oidc-trust-pinned', file: f.path };
    const subjects: { value: string; offset: number }[] = [];
    let found = false;
    for (const m of body.matchAll(/"([^"\n]*:sub)"/g)) {
      if (!values.resolve(dir, m[1]).includes(`${OIDC_HOST}:sub`)) continue;
      found = true;
      const offset = b.start + (m.index ?? 0);
      const after = f.text.slice(offset + m[0].length);
      const direct = /^\s*[=:]/.exec(after);
      if (direct) {
        subjects.push(...stringsAt(f.text, offset + m[0].length + direct[0].length));
      } else {
        // policy-document form: `variable = "...:sub"` with `values = [...]` in the same condition block
        const cond = enclosingPair(pairs, offset);
        const v = cond ? attributeOffset(f.text, cond.open, cond.close, 'values') : -1;
        if (v >= 0) subjects.push(...stringsAt(f.text, f.text.indexOf('=', v) + 1));
      }
    }
    if (!found) {
      out.push(
        problem({
          ...at,
          message: `${b.header} trusts GitHub's OIDC provider without a condition on ${OIDC_HOST}:sub: any repository could assume it`,
          line: b.line,
          hint: `add a StringLike condition on ${OIDC_HOST}:sub with repo:<owner>/<repo>:<ref or environment>`,
        }),
      );
      continue;
    }
    for (const s of subjects) {
      const value = values.resolve(dir, s.value).find((v) => !pinnedSubject(v));
      if (value === undefined) continue;
      out.push(
        problem({
          ...at,
          message: `OIDC trust subject '${s.value}'${value !== s.value ? ` (= '${value}')` : ''} does not pin the repository`,
          line: lineOf(f.text, s.offset),
          hint: 'use repo:<owner>/<repo>:… with no wildcard in the owner or the repository',
        }),
      );
    }
  }
  return out;
}
