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
 * Prod scope: a file with a `prod`/`production`/`prd` path segment or file name part, or a
 * top-level block whose labels name prod. Variables (`var.x`) and locals are resolved from the
 * defaults and `*.tfvars` of the same directory. Pure.
 */
import { attributeOffset, bracePairs, enclosingPair, findTopBlock, stringsAt, topBlocks, type BracePair } from './hcl-text.js';
import { lineOf, problem, type ValidateProblem } from './problem.js';

export interface TerraformFile {
  /** Repository-relative path. */
  path: string;
  text: string;
  /** hcl2json output; absent when the file did not parse. */
  json?: Record<string, any>;
  parseError?: { message: string; line: number; column?: number };
}

const PROD = /(^|[/_.-])(prod|production|prd)([/_.-]|$)/i;
const OIDC_HOST = 'token.actions.githubusercontent.com';
const WILDCARD_ACTION = /^(\*|[A-Za-z0-9-]+:\*)$/;

export function isProdPath(path: string): boolean {
  return PROD.test(path);
}

function dirOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** `var.x` and `local.x` values of one directory (defaults, then tfvars). */
function valuesByDir(files: TerraformFile[]): Map<string, Map<string, unknown>> {
  const byDir = new Map<string, Map<string, unknown>>();
  const get = (d: string) => byDir.get(d) ?? byDir.set(d, new Map()).get(d)!;
  for (const f of files) {
    if (!f.json) continue;
    const vals = get(dirOf(f.path));
    for (const [name, defs] of Object.entries(f.json.variable ?? {})) {
      const def = (defs as any[])[0]?.default;
      if (def !== undefined) vals.set(`var.${name}`, def);
    }
    for (const locals of f.json.locals ?? []) for (const [name, v] of Object.entries(locals)) vals.set(`local.${name}`, v);
  }
  for (const f of files) {
    if (!f.json || !/\.tfvars(\.json)?$/.test(f.path)) continue;
    const vals = get(dirOf(f.path));
    for (const [name, v] of Object.entries(f.json)) vals.set(`var.${name}`, v);
  }
  return byDir;
}

/** Replaces `${var.x}` / `${local.x}` by known string values; unknown ones stay. */
function interpolate(value: string, vals: Map<string, unknown> | undefined): string {
  return value.replace(/\$\{\s*((?:var|local)\.[\w-]+)\s*\}/g, (m, ref: string) => {
    const v = vals?.get(ref);
    return typeof v === 'string' ? v : m;
  });
}

export function checkTerraform(files: TerraformFile[]): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const values = valuesByDir(files);
  for (const f of files) {
    if (f.parseError) {
      out.push(problem({ kind: 'terraform', rule: 'terraform/parses', message: `does not parse: ${f.parseError.message}`, file: f.path, line: f.parseError.line, column: f.parseError.column }));
      continue;
    }
    if (!f.path.endsWith('.tf')) continue;
    const pairs = bracePairs(f.text);
    const blocks = topBlocks(f.text, pairs);
    const vals = values.get(dirOf(f.path));
    out.push(...wildcardActions(f, pairs, blocks), ...ecrMutability(f, blocks, vals), ...oidcTrust(f, pairs, blocks, vals));
  }
  return out;
}

function wildcardActions(f: TerraformFile, pairs: BracePair[], blocks: ReturnType<typeof topBlocks>): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const prodFile = isProdPath(f.path);
  for (const m of f.text.matchAll(/(^|[\s{,])"?(actions|Action)"?\s*[=:]/gm)) {
    const at = (m.index ?? 0) + m[1].length;
    const block = blocks.find((b) => b.start <= at && at <= b.end);
    if (!prodFile && !(block && block.labels.some((l) => isProdPath(l)))) continue;
    const statement = enclosingPair(pairs, at);
    const body = statement ? f.text.slice(statement.open, statement.close) : '';
    if (/"?(effect|Effect)"?\s*[=:]\s*"Deny"/.test(body)) continue;
    for (const s of stringsAt(f.text, at + m[0].length - m[1].length)) {
      if (!WILDCARD_ACTION.test(s.value)) continue;
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

function ecrMutability(f: TerraformFile, blocks: ReturnType<typeof topBlocks>, vals: Map<string, unknown> | undefined): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  for (const [name, defs] of Object.entries<any[]>(f.json?.resource?.aws_ecr_repository ?? {})) {
    const block = findTopBlock(blocks, 'resource', 'aws_ecr_repository', name);
    const raw = defs[0]?.image_tag_mutability;
    const value = typeof raw === 'string' ? interpolate(raw, vals).replace(/^\$\{"?|"?\}$/g, '') : undefined;
    if (value === 'IMMUTABLE' || value === 'IMMUTABLE_WITH_EXCLUSION') continue;
    const attr = block ? attributeOffset(f.text, block.start, block.end, 'image_tag_mutability') : -1;
    out.push(
      problem({
        kind: 'terraform',
        rule: 'terraform/ecr-immutable',
        message:
          value === undefined
            ? `aws_ecr_repository.${name} leaves image_tag_mutability at MUTABLE: release tags could be overwritten`
            : `aws_ecr_repository.${name} has image_tag_mutability = ${value}: release tags must be immutable`,
        file: f.path,
        line: attr >= 0 ? lineOf(f.text, attr) : block?.line ?? 1,
        hint: 'use IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION with filters for environment tags',
      }),
    );
  }
  return out;
}

/** `repo:<owner>/<repo>:…` with a concrete owner and repository. */
function pinnedSubject(value: string): boolean {
  const m = /^repo:([^/:]+)\/([^/:]+):./.exec(value);
  return !!m && !/[*?${}]/.test(m[1]) && !/[*?${}]/.test(m[2]);
}

function oidcTrust(f: TerraformFile, pairs: BracePair[], blocks: ReturnType<typeof topBlocks>, vals: Map<string, unknown> | undefined): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  for (const b of blocks) {
    const body = f.text.slice(b.start, b.end);
    if (!body.includes('AssumeRoleWithWebIdentity')) continue;
    if (!body.includes(OIDC_HOST) && !/openid_connect_provider[.\w]*github/i.test(body)) continue;
    const at = { kind: 'terraform' as const, rule: 'terraform/oidc-trust-pinned', file: f.path };
    const subjects: { value: string; offset: number }[] = [];
    const key = new RegExp(`"${OIDC_HOST.replace(/\./g, '\\.')}:sub"`, 'g');
    let found = false;
    for (const m of body.matchAll(key)) {
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
      const value = interpolate(s.value, vals);
      if (pinnedSubject(value)) continue;
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
