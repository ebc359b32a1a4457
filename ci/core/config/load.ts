/**
 * Loads `dataship.yaml`: parse with positions, interpolate `${VAR}`, validate against the published
 * JSON Schema (every error at once), and point each error at file:line:column with its key path.
 * Secret references are collected here but resolved only when a step uses them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import { DataShipError, type Problem } from '../errors.js';
import { didYouMean } from '../did-you-mean.js';
import { interpolate } from './interpolate.js';
import type { DataShipConfig } from './model.js';

export const CONFIG_FILE = 'dataship.yaml';
const require = createRequire(import.meta.url);

export interface LoadedConfig {
  config: DataShipConfig;
  path: string;
}

/** Reads and validates the configuration file; throws ECONFIG with every problem found. */
export async function loadConfig(opts: { cwd: string; file?: string; env?: Record<string, string | undefined> }): Promise<LoadedConfig> {
  const path = opts.file ? (isAbsolute(opts.file) ? opts.file : join(opts.cwd, opts.file)) : join(opts.cwd, CONFIG_FILE);
  const display = relative(opts.cwd, path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DataShipError({
      code: 'ECONFIGMISSING',
      message: `cannot read configuration ${display}`,
      operation: 'read configuration',
      hint: `create ${CONFIG_FILE} (see README "Configuration") or pass --config FILE`,
      location: { file: display },
      cause: err,
    });
  }
  const config = await parseConfig({ text, file: display, env: opts.env ?? {} });
  return { config, path };
}

/** Parses and validates configuration text; `file` is used only in error locations. */
export async function parseConfig(opts: { text: string; file: string; env: Record<string, string | undefined> }): Promise<DataShipConfig> {
  const YAML = await import('yaml');
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(opts.text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const problems: Problem[] = [];
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { file: opts.file };
    const pos = lineCounter.linePos(offset);
    return { file: opts.file, line: pos.line, column: pos.col };
  };

  const errorLines = new Set<number | undefined>();
  for (const e of doc.errors) {
    // One syntax error per line: the parser's follow-on errors on the same line add nothing.
    const loc = at(e.pos[0]);
    if (errorLines.has(loc?.line)) continue;
    errorLines.add(loc?.line);
    problems.push({ message: e.message.split('\n')[0], location: at(e.pos[0]), expected: 'valid YAML' });
  }
  if (problems.length) throw configError(opts.file, problems);

  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      const r = interpolate({ text: node.value, env: opts.env });
      for (const name of r.missing) {
        problems.push({
          message: `environment variable ${name} is not set`,
          location: at(node.range?.[0]),
          hint: `set ${name}, or give a default: \${${name}:-value}`,
        });
      }
      node.value = r.value;
    },
  });

  const data = doc.toJS() as unknown;
  const schema = loadSchema();
  const validate = await compiledValidator(schema);
  if (!validate(data)) {
    for (const e of validate.errors ?? []) problems.push(problemFor({ error: e, doc, at, YAML }));
  }
  if (problems.length) throw configError(opts.file, dedupe(problems));

  const config = data as DataShipConfig;
  config.secretRefs = collectSecretRefs(config);
  return config;
}

/** The published schema, from the source tree (ci/core/config) or the compiled one (dist/ci/core/config). */
function loadSchema(): Record<string, unknown> {
  for (const rel of ['../../../schema/dataship.schema.json', '../../../../schema/dataship.schema.json']) {
    try {
      return require(rel) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    }
  }
  throw new DataShipError({ code: 'EINTERNAL', message: 'schema/dataship.schema.json is missing from the installation' });
}

type AjvValidate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  parentSchema?: Record<string, unknown>;
}

let cachedValidator: AjvValidate | undefined;
async function compiledValidator(schema: Record<string, unknown>): Promise<AjvValidate> {
  if (cachedValidator) return cachedValidator;
  const { default: Ajv } = (await import('ajv')) as unknown as { default: new (o: object) => { compile(s: object): AjvValidate } };
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  cachedValidator = ajv.compile(schema);
  return cachedValidator;
}

function problemFor(opts: {
  error: AjvError;
  doc: import('yaml').Document;
  at: (offset: number | undefined) => Problem['location'];
  YAML: typeof import('yaml');
}): Problem {
  const { error, doc, at, YAML } = opts;
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const keyPath = segments.join('.') || '(top level)';
  const node = doc.getIn(segments, true) as { range?: [number, number, number] } | undefined;
  const rootRange = (doc.contents as { range?: [number, number, number] } | null)?.range;
  if (error.keyword === 'additionalProperties') {
    const name = String(error.params.additionalProperty);
    const parent = (segments.length ? doc.getIn(segments, true) : doc.contents) as unknown;
    let keyOffset: number | undefined;
    if (YAML.isMap(parent)) {
      const pair = parent.items.find((p) => YAML.isScalar(p.key) && p.key.value === name);
      keyOffset = YAML.isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    }
    const known = Object.keys((error.parentSchema?.properties as Record<string, unknown>) ?? {});
    const suggestion = didYouMean(name, known);
    return {
      message: `unknown key "${name}"`,
      path: segments.length ? keyPath : undefined,
      location: at(keyOffset),
      expected: known.length ? `one of ${known.join(', ')}` : undefined,
      hint: suggestion ? `did you mean "${suggestion}"?` : undefined,
    };
  }
  const offset = node?.range?.[0] ?? rootRange?.[0];
  let expected: string | undefined;
  switch (error.keyword) {
    case 'type':
      expected = `${String(error.params.type)}`;
      break;
    case 'enum':
      expected = `one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      expected = JSON.stringify(error.params.allowedValue);
      break;
    case 'required':
      return {
        message: `missing required key "${String(error.params.missingProperty)}"`,
        path: keyPath,
        location: at(offset),
        expected: `"${String(error.params.missingProperty)}" under ${keyPath}`,
      };
    case 'pattern':
      expected = `a value matching ${String(error.params.pattern)}`;
      break;
  }
  return { message: error.message ?? error.keyword, path: keyPath, location: at(offset), expected };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const k = `${p.location?.line}:${p.location?.column}:${p.path}:${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
}

function configError(file: string, problems: Problem[]): DataShipError {
  return new DataShipError({
    code: 'ECONFIG',
    message: `invalid configuration: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    operation: 'validate configuration',
    hint: 'fix every problem listed; the schema is schema/dataship.schema.json',
    location: { file },
    problems,
  });
}

const SECRET_REF = /^(env:[A-Za-z_][A-Za-z0-9_]*|ssm:\/[A-Za-z0-9_./-]+)$/;
const SECRET_KEYS = new Set(['privateKey', 'password', 'webhookUrl', 'token']);

function collectSecretRefs(config: DataShipConfig): Record<string, string> {
  const refs: Record<string, string> = {};
  const walk = (value: unknown, path: string[]) => {
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    } else if (typeof value === 'string' && SECRET_KEYS.has(path[path.length - 1]) && SECRET_REF.test(value)) {
      refs[path.join('.')] = value;
    }
  };
  walk(config, []);
  return refs;
}
