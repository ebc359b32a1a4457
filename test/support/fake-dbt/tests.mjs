// dbt's tests for the test double: generic tests declared in schema YAML (on model, seed, snapshot
// and source columns or whole nodes), singular tests (tests/**/*.sql) and unit tests. Names and
// ids follow dbt's rules (`not_null_<model>_<column>`, `source_` prefix, `__`-joined arguments,
// a hashed alias past 63 characters, and a 10-hex suffix on the unique_id).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { renderConditionals, renderValue, scanSql } from './jinja.mjs';

const md5 = (s) => createHash('md5').update(s).digest('hex');
const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const BUILTIN = new Set(['not_null', 'unique', 'accepted_values', 'relationships']);
const CONFIG_KEYS = new Set(['severity', 'where', 'tags', 'enabled', 'store_failures', 'store_failures_as', 'limit', 'warn_if', 'error_if', 'fail_calc', 'meta', 'alias', 'schema', 'database']);

function parseSpec(spec) {
  if (typeof spec === 'string') return { testName: spec, args: {}, config: {} };
  const testName = Object.keys(spec).find((k) => k !== 'name' && k !== 'description') ?? String(spec.name);
  const body = isObj(spec[testName]) ? spec[testName] : {};
  const args = { ...(isObj(body.arguments) ? body.arguments : {}) };
  const config = { ...(isObj(body.config) ? body.config : {}) };
  for (const [k, v] of Object.entries(body)) {
    if (k === 'arguments' || k === 'config' || k === 'name' || k === 'description') continue;
    if (CONFIG_KEYS.has(k)) config[k] = v;
    else args[k] = v;
  }
  return { testName, args, config };
}

function compiledTest({ short, column, relation, args }) {
  const col = column ?? '*';
  switch (short) {
    case 'not_null':
      return `\n\n\nselect ${col}\nfrom ${relation}\nwhere ${col} is null\n\n\n`;
    case 'unique':
      return `\n\nselect\n    ${col} as unique_field,\n    count(*) as n_records\n\nfrom ${relation}\nwhere ${col} is not null\ngroup by ${col}\nhaving count(*) > 1\n\n\n`;
    case 'accepted_values':
      return `\n\nwith all_values as (\n    select ${col} as value_field, count(*) as n_records\n    from ${relation}\n    group by ${col}\n)\nselect *\nfrom all_values\nwhere value_field not in (\n    ${asList(args.values).map((v) => `'${v}'`).join(',')}\n)\n\n\n`;
    default:
      return `\n-- ${short}\nselect * from ${relation} where false\n`;
  }
}

export function addTests(project) {
  const { name: pkg, ctx, rel } = project;
  const section = project.dbtProject.data_tests ?? project.dbtProject.tests;

  const testNode = ({ testName, args, specConfig, attach, column, file, root }) => {
    const ns = testName.includes('.') ? testName.split('.')[0] : null;
    const short = testName.split('.').pop();
    const identifier = `${attach.isSource ? 'source_' : ''}${ns ? `${ns}_` : ''}${short}`;
    const all = { ...(column !== undefined ? { column_name: column } : {}), ...args };
    const flat = Object.keys(all)
      .sort()
      .flatMap((k) => (isObj(all[k]) ? Object.values(all[k]) : Array.isArray(all[k]) ? all[k] : [all[k]]))
      .map((v) => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : String(v)).replace(/[^0-9a-zA-Z_]+/g, '_'));
    const fullName = [`${identifier}_${attach.targetName}`, flat.join('__')].filter(Boolean).join('_');
    const alias = fullName.length >= 64 ? `${identifier.slice(0, 30)}_${md5(fullName)}` : fullName;
    const dirs = rel(dirname(file)).split('/').slice(rel(root).split('/').length).filter(Boolean);
    const fqn = [pkg, ...dirs, fullName];
    const fromProject = project.projectConfig(section, fqn, ctx);
    const rendered = Object.fromEntries(Object.entries(specConfig).map(([k, v]) => [k, renderValue(v, ctx)]));
    const config = { enabled: true, schema: 'dbt_test__audit', tags: [], materialized: 'test', severity: 'ERROR', store_failures: null, where: null, limit: null, fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0', ...fromProject.config, ...rendered };
    config.severity = String(config.severity).toUpperCase();
    const modelArg = attach.isSource ? `{{ get_where_subquery(source('${attach.sourceName}', '${attach.name}')) }}` : `{{ get_where_subquery(ref('${attach.name}')) }}`;
    const refs = Object.values(args).flatMap((v) => (typeof v === 'string' ? scanSql(v).refs : []));
    return {
      uniqueId: `test.${pkg}.${fullName}.${md5(`${fullName}:${JSON.stringify(all)}:${attach.uniqueId}`).slice(0, 10)}`,
      resourceType: 'test', name: fullName, alias, fqn, path: `${alias}.sql`, originalFilePath: rel(file),
      rawCode: `{{ test_${short}(**_dbt_generic_test_kwargs) }}`, checksum: { name: 'none', checksum: '' },
      config, unrenderedConfig: { ...fromProject.unrendered, ...specConfig }, refs, sourceRefs: [], extraDeps: [attach.uniqueId],
      macroDeps: [ns ? `macro.${ns}.test_${short}` : BUILTIN.has(short) ? `macro.dbt.test_${short}` : `macro.${pkg}.test_${short}`, 'macro.dbt.get_where_subquery'],
      columnName: column ?? null, attachedNode: attach.isSource ? null : attach.uniqueId, fileKeyName: `${attach.isSource ? 'sources' : `${attach.resourceType}s`}.${attach.isSource ? attach.sourceName : attach.name}`,
      testMetadata: { name: short, kwargs: { ...all, model: modelArg }, namespace: ns },
      compiledCode: compiledTest({ short, column, relation: attach.relationName, args }),
      description: '', columns: {}, patchPath: null,
    };
  };

  const fromEntry = ({ entry, attach, file, root }) => {
    const out = [];
    for (const spec of [...asList(entry.data_tests), ...asList(entry.tests)]) out.push({ spec, column: undefined });
    for (const c of asList(entry.columns)) for (const spec of [...asList(c.data_tests), ...asList(c.tests)]) out.push({ spec, column: c.name });
    return out.map(({ spec, column }) => {
      const { testName, args, config } = parseSpec(spec);
      return testNode({ testName, args, specConfig: config, attach, column, file, root });
    });
  };

  const tests = [];
  for (const { file, root, doc } of project.ymls) {
    for (const key of ['models', 'seeds', 'snapshots']) {
      for (const entry of asList(doc[key])) {
        const node = project.nodes.find((n) => n.resourceType === key.slice(0, -1) && n.name === entry?.name);
        if (node) tests.push(...fromEntry({ entry, attach: { ...node, targetName: node.name }, file, root }));
      }
    }
    for (const src of asList(doc.sources)) {
      for (const t of asList(src.tables)) {
        const source = project.sources.find((s) => s.sourceName === src.name && s.name === t.name);
        tests.push(...fromEntry({ entry: t, attach: { ...source, isSource: true, targetName: `${src.name}_${t.name}` }, file, root }));
      }
    }
    for (const u of asList(doc.unit_tests)) {
      const model = project.nodes.find((n) => n.resourceType === 'model' && n.name === u.model);
      if (!model) continue;
      project.unitTests.push({
        uniqueId: `unit_test.${pkg}.${u.model}.${u.name}`, resourceType: 'unit_test', name: u.name, model: u.model, fqn: [pkg, u.model, u.name],
        originalFilePath: rel(file), path: rel(file), given: u.given ?? [], expect: u.expect ?? {}, description: u.description ?? '',
        config: { tags: [], meta: {}, enabled: true }, checksum: { name: 'sha256', checksum: md5(JSON.stringify(u)) }, refs: [u.model], sourceRefs: [],
      });
    }
  }
  for (const root of project.paths('test-paths', ['tests'])) {
    for (const file of walkSql(root)) {
      const raw = readFileSync(file, 'utf8');
      const scan = scanSql(renderConditionals(raw, ctx));
      const dirs = rel(dirname(file)).split('/').slice(rel(root).split('/').length).filter(Boolean);
      const nodeName = basename(file, '.sql');
      const fqn = [pkg, ...dirs, nodeName];
      const fromProject = project.projectConfig(section, fqn, ctx);
      const config = { enabled: true, schema: 'dbt_test__audit', tags: [], materialized: 'test', severity: 'ERROR', ...fromProject.config, ...scan.config };
      config.severity = String(config.severity).toUpperCase();
      tests.push({
        uniqueId: `test.${pkg}.${nodeName}`, resourceType: 'test', name: nodeName, alias: nodeName, fqn, path: [...dirs, `${nodeName}.sql`].join('/'),
        originalFilePath: rel(file), rawCode: raw, checksum: { name: 'sha256', checksum: createHash('sha256').update(raw).digest('hex') },
        config, unrenderedConfig: { ...fromProject.unrendered, ...scan.config }, refs: scan.refs, sourceRefs: scan.sources, macroDeps: [],
        columnName: null, attachedNode: null, description: '', columns: {}, patchPath: null,
      });
    }
  }
  for (const t of tests) {
    t.config.enabled = Boolean(t.config.enabled);
    Object.assign(t, project.relationOf(t.config, t.alias), { relationName: null });
    (t.config.enabled ? project.nodes : project.disabled).push(t);
  }
}

function walkSql(root) {
  try {
    return readdirSyncRec(root).filter((f) => f.endsWith('.sql'));
  } catch {
    return [];
  }
}

function readdirSyncRec(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? readdirSyncRec(join(dir, e.name)) : [join(dir, e.name)]));
}
