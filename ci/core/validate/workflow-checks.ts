/**
 * The GitHub Actions rules of `validate`: schema errors reported by action-validator, mapped from
 * their JSON pointers to lines, and third-party actions pinned by commit SHA (every `uses:` that is
 * not a local `./` path or a `docker://` image, GitHub's own `actions/*` included). Pure: the
 * caller runs the validator and passes its result.
 */
import { isScalar, visit, type Scalar } from 'yaml';
import { problem, type ValidateProblem } from './problem.js';
import { parseYaml, pointerToPath, positionOf, type YamlSource } from './yaml-source.js';

/** The shape of `@action-validator/core`'s result (kept here so the core imports no WASM). */
export interface ValidatorError {
  code: string;
  detail?: string;
  path?: string;
  title: string;
  location?: { index: number; line: number; column: number };
  states?: { errors: ValidatorError[] }[];
}

export interface ValidatorState {
  errors: ValidatorError[];
}

/**
 * A `oneOf` failure lists every branch's errors; the branch meant is the one with the fewest
 * "wrong shape" errors (additional properties on the object itself), then the fewest errors.
 */
function flatten(errors: ValidatorError[]): ValidatorError[] {
  const out: ValidatorError[] = [];
  for (const e of errors) {
    if ((e.code === 'one_of' || e.code === 'any_of') && e.states?.length) {
      const scored = e.states.map((s) => ({
        errors: flatten(s.errors),
        shape: s.errors.filter((x) => x.code === 'properties' && x.path === e.path).length,
      }));
      scored.sort((a, b) => a.shape - b.shape || a.errors.length - b.errors.length);
      out.push(...(scored[0].errors.length ? scored[0].errors : [e]));
    } else out.push(e);
  }
  return out;
}

function describe(e: ValidatorError, path: (string | number)[]): string {
  if (e.code === 'required') {
    const parent = path.slice(0, -1).join('.');
    return `${parent ? `${parent}: ` : ''}missing required property '${path[path.length - 1]}'`;
  }
  return `${path.length ? `${path.join('.')}: ` : ''}${e.detail ?? e.title}`;
}

export function schemaProblems(opts: { file: string; src: YamlSource; state: ValidatorState }): ValidateProblem[] {
  const seen = new Set<string>();
  const out: ValidateProblem[] = [];
  for (const e of flatten(opts.state.errors)) {
    let line = 1;
    let column: number | undefined;
    let message: string;
    if (e.location) {
      line = e.location.line;
      column = e.location.column;
      message = `YAML does not parse: ${e.detail ?? e.title}`;
    } else {
      const path = pointerToPath(e.path ?? '');
      // a missing property is reported at the object that lacks it
      const pos = positionOf(opts.src, e.code === 'required' ? path.slice(0, -1) : path);
      line = pos.line;
      column = pos.column;
      message = describe(e, path);
    }
    const key = `${line}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem({ kind: 'workflows', rule: 'workflows/schema', message, file: opts.file, line, column }));
  }
  return out;
}

const SHA = /^[0-9a-f]{40}$/;

/** Every `uses:` value of a workflow or composite action that is not pinned to a commit SHA. */
export function pinningProblems(opts: { file: string; src: YamlSource }): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  visit(opts.src.doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'uses' || !isScalar(pair.value)) return;
      const value = String((pair.value as Scalar).value ?? '').trim();
      if (!value || value.startsWith('./') || value.startsWith('docker://')) return;
      const at = value.lastIndexOf('@');
      const ref = at >= 0 ? value.slice(at + 1) : '';
      if (SHA.test(ref)) return;
      const pos = opts.src.lines.linePos((pair.value as Scalar).range?.[0] ?? 0);
      out.push(
        problem({
          kind: 'workflows',
          rule: 'workflows/action-pinned',
          message: at < 0 ? `'${value}' has no ref: third-party actions must be pinned by commit SHA` : `'${value}' is pinned to '${ref}', not to a commit SHA`,
          file: opts.file,
          line: pos.line,
          column: pos.col,
          hint: 'use owner/repo@<40-hex commit sha> # vX.Y.Z',
        }),
      );
    },
  });
  return out;
}

/** Runs the pure workflow rules on one file given the validator's result. */
export function checkWorkflowFile(opts: { file: string; text: string; state: ValidatorState }): ValidateProblem[] {
  const src = parseYaml(opts.text);
  const schema = schemaProblems({ file: opts.file, src, state: opts.state });
  if (src.errors.length) {
    const own = src.errors.map((e) =>
      problem({ kind: 'workflows', rule: 'workflows/schema', message: `YAML does not parse: ${e.message}`, file: opts.file, line: e.line, column: e.column }),
    );
    return schema.some((p) => p.message.startsWith('YAML does not parse')) ? schema : [...own, ...schema];
  }
  return [...schema, ...pinningProblems({ file: opts.file, src })];
}
