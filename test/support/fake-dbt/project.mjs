// Reads a dbt project the way dbt's parser sees it, for the dbt test double: dbt_project.yml,
// profiles.yml (target), models/**/*.sql, seeds/**/*.csv, snapshots (SQL and YAML), sources,
// macros, docs blocks and the schema YAML that patches them. Tests are added by tests.mjs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import YAML from 'yaml';
import { FakeDbtError, renderConditionals, renderValue, scanSql } from './jinja.mjs';
import { addTests } from './tests.mjs';

export const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v, d) => (v === undefined ? d : Array.isArray(v) ? v : [v]);

function walk(root, exts) {
  const out = [];
  if (!existsSync(root)) return out;
  for (const e of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...walk(p, exts));
    else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

function readYaml(file) {
  try {
    return YAML.parse(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new FakeDbtError(`Parsing Error\n  Error reading ${file}: ${err.message}`);
  }
}

/** profiles.yml → the rendered output for the chosen target. */
function loadTarget({ profilesDir, profileName, targetName, ctx }) {
  const file = join(profilesDir, 'profiles.yml');
  if (!existsSync(file)) throw new FakeDbtError(`Runtime Error\n  Could not find profile named '${profileName}'`);
  const profile = readYaml(file)[profileName];
  if (!isObj(profile)) throw new FakeDbtError(`Runtime Error\n  Could not find profile named '${profileName}'`);
  const name = targetName ?? ctx.env.DBT_TARGET ?? profile.target ?? 'default';
  const raw = profile.outputs?.[name];
  if (!isObj(raw)) {
    const valid = Object.keys(profile.outputs ?? {}).map((t) => `  - ${t}`).join('\n');
    throw new FakeDbtError(`Runtime Error\n  The profile '${profileName}' does not have a target named '${name}'. The valid target names for this profile are:\n${valid}`);
  }
  const out = { name };
  for (const [k, v] of Object.entries(raw)) out[k] = renderValue(v, { ...ctx, targetName: name });
  if (out.type === 'duckdb') out.database ??= !out.path || out.path === ':memory:' ? 'memory' : basename(String(out.path)).replace(/\.[^.]*$/, '');
  out.database ??= out.dbname ?? 'db';
  out.schema ??= out.dataset ?? 'main';
  out.threads ??= 1;
  return out;
}

const renderDeep = (v, ctx) =>
  Array.isArray(v) ? v.map((x) => renderDeep(x, ctx)) : isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderDeep(x, ctx)])) : renderValue(v, ctx);

/** Configs from a dbt_project.yml section (`models:`, `seeds:` …) along an fqn; tags add up. */
function projectConfig(section, fqn, ctx) {
  const config = {};
  const unrendered = {};
  let level = isObj(section) ? section : {};
  const apply = (node) => {
    for (const [k, v] of Object.entries(node ?? {})) {
      if (isObj(v) && !k.startsWith('+')) continue;
      const key = k.replace(/^\+/, '');
      if (key === 'tags') config.tags = [...(config.tags ?? []), ...asList(v, [])];
      else config[key] = renderDeep(v, ctx);
      unrendered[key] = v;
    }
  };
  apply(level);
  for (const part of fqn.slice(0, -1)) {
    level = isObj(level) ? level[part] : undefined;
    if (!isObj(level)) break;
    apply(level);
  }
  return { config, unrendered };
}

export function loadProject({ projectDir, profilesDir, targetName, vars = {}, env, needProfile = true }) {
  const projectFile = join(projectDir, 'dbt_project.yml');
  if (!existsSync(projectFile)) throw new FakeDbtError(`Runtime Error\n  No dbt_project.yml found at expected path ${projectFile}\n  Verify that each entry within packages.yml (and their transitive dependencies) contains a file named dbt_project.yml\n`);
  const dbtProject = readYaml(projectFile);
  const name = dbtProject.name;
  if (typeof name !== 'string') throw new FakeDbtError(`Runtime Error\n  ${projectFile}: 'name' is a required property`);
  const ctx = { env, vars: { ...(dbtProject.vars ?? {}), ...vars }, target: {} };
  const target = needProfile ? loadTarget({ profilesDir, profileName: dbtProject.profile ?? name, targetName, ctx }) : { name: targetName ?? 'default', type: 'duckdb', database: 'db', schema: 'main' };
  ctx.target = target;
  ctx.targetName = target.name;
  const paths = (key, d) => asList(dbtProject[key], d).map((p) => join(projectDir, p));
  const rel = (p) => relative(projectDir, p).split(sep).join('/');

  const macros = [];
  const docs = [];
  for (const file of paths('macro-paths', ['macros']).flatMap((d) => walk(d, ['.sql']))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\{%-?\s*(macro|test)\s+(\w+)\s*\(.*?\{%-?\s*end(?:macro|test)\s*-?%\}/gs)) {
      const macroName = m[1] === 'test' ? `test_${m[2]}` : m[2];
      macros.push({ uniqueId: `macro.${name}.${macroName}`, name: macroName, path: rel(file), sql: m[0] });
    }
  }
  for (const file of paths('model-paths', ['models']).flatMap((d) => walk(d, ['.md']))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\{%\s*docs\s+(\w+)\s*%\}(.*?)\{%\s*enddocs\s*%\}/gs)) docs.push({ uniqueId: `doc.${name}.${m[1]}`, name: m[1], path: rel(file), contents: m[2].trim() });
  }
  const renderDocs = (text) => String(text).replace(/\{\{\s*doc\(\s*['"](\w+)['"]\s*\)\s*\}\}/g, (m, n) => docs.find((d) => d.name === n)?.contents ?? m);
  const gsn = macros.find((m) => m.name === 'generate_schema_name');
  const customSchemaAsIs = gsn ? !gsn.sql.includes('~') : false;
  const relationOf = (config, alias) => {
    const schema = config.schema ? (customSchemaAsIs ? config.schema : `${target.schema}_${config.schema}`) : target.schema;
    const database = config.database ?? target.database;
    const relationName = target.type === 'duckdb' ? `"${database}"."${schema}"."${alias}"` : `${database}.${schema}.${alias}`;
    return { database, schema, alias, relationName };
  };
  const macroIds = (sql) => macros.filter((m) => new RegExp(`\\b${m.name}\\s*\\(`).test(sql)).map((m) => m.uniqueId);

  const nodes = [];
  const makeNode = ({ resourceType, nodeName, file, root, rawCode, checksum, section, defaults, sqlConfig = {}, refs = [], sources = [], macroDeps = [] }) => {
    const dirs = rel(dirname(file)).split('/').slice(rel(root).split('/').length).filter(Boolean);
    const fqn = [name, ...dirs, nodeName];
    const fromProject = projectConfig(dbtProject[section], fqn, ctx);
    const config = { ...defaults, ...fromProject.config, ...sqlConfig };
    const node = {
      uniqueId: `${resourceType}.${name}.${nodeName}`, resourceType, name: nodeName, fqn,
      path: [...dirs, basename(file)].join('/'), originalFilePath: rel(file), rawCode, checksum,
      config, unrenderedConfig: { ...fromProject.unrendered, ...sqlConfig }, refs, sourceRefs: sources,
      macroDeps, description: '', columns: {}, patchPath: null,
    };
    nodes.push(node);
    return node;
  };

  for (const root of paths('model-paths', ['models'])) {
    for (const file of walk(root, ['.sql'])) {
      const raw = readFileSync(file, 'utf8');
      const scan = scanSql(renderConditionals(raw, ctx));
      makeNode({ resourceType: 'model', nodeName: basename(file, '.sql'), file, root, rawCode: raw, checksum: { name: 'sha256', checksum: sha256(raw) }, section: 'models', defaults: { enabled: true, materialized: 'view', tags: [] }, sqlConfig: scan.config, refs: scan.refs, sources: scan.sources, macroDeps: macroIds(raw) });
    }
  }
  for (const root of paths('seed-paths', ['seeds'])) {
    for (const file of walk(root, ['.csv'])) {
      const raw = readFileSync(file);
      const checksum = raw.length < 1024 * 1024 ? { name: 'sha256', checksum: sha256(raw) } : { name: 'path', checksum: rel(file) };
      const seed = makeNode({ resourceType: 'seed', nodeName: basename(file, '.csv'), file, root, rawCode: '', checksum, section: 'seeds', defaults: { enabled: true, materialized: 'seed', tags: [], delimiter: ',' } });
      seed.rows = Math.max(0, raw.toString('utf8').split(/\r?\n/).filter((l) => l.trim()).length - 1);
    }
  }
  for (const root of paths('snapshot-paths', ['snapshots'])) {
    for (const file of walk(root, ['.sql'])) {
      const raw = readFileSync(file, 'utf8');
      for (const m of raw.matchAll(/\{%-?\s*snapshot\s+(\w+)\s*-?%\}(.*?)\{%-?\s*endsnapshot\s*-?%\}/gs)) {
        const scan = scanSql(renderConditionals(m[2], ctx));
        makeNode({ resourceType: 'snapshot', nodeName: m[1], file, root, rawCode: m[2], checksum: { name: 'sha256', checksum: sha256(raw) }, section: 'snapshots', defaults: { enabled: true, materialized: 'snapshot', tags: [] }, sqlConfig: scan.config, refs: scan.refs, sources: scan.sources, macroDeps: macroIds(m[2]) });
      }
    }
  }

  // Schema YAML: sources, YAML snapshots, and patches (description, config, columns) for nodes.
  const sourcesOut = [];
  const ymlFiles = [...new Set(['model-paths', 'seed-paths', 'snapshot-paths', 'test-paths'].flatMap((k) => paths(k, [k.split('-')[0] + 's'])))].flatMap((d) => walk(d, ['.yml', '.yaml']).map((f) => ({ f, root: d })));
  const ymls = ymlFiles.map(({ f, root }) => ({ file: f, root, doc: readYaml(f) }));
  for (const { file, root, doc } of ymls) {
    for (const s of asList(doc.snapshots, [])) {
      if (!isObj(s) || !s.relation) continue;
      const scan = scanSql(String(s.relation));
      makeNode({ resourceType: 'snapshot', nodeName: s.name, file, root, rawCode: '', checksum: { name: 'sha256', checksum: sha256(JSON.stringify(s)) }, section: 'snapshots', defaults: { enabled: true, materialized: 'snapshot', tags: [] }, sqlConfig: s.config ?? {}, refs: scan.refs, sources: scan.sources });
    }
    for (const src of asList(doc.sources, [])) {
      for (const t of asList(src.tables, [])) {
        const dirs = rel(dirname(file)).split('/').slice(rel(root).split('/').length).filter(Boolean);
        const database = renderValue(src.database, ctx) ?? target.database;
        const schema = renderValue(src.schema, ctx) ?? src.name;
        const identifier = t.identifier ?? t.name;
        sourcesOut.push({
          uniqueId: `source.${name}.${src.name}.${t.name}`, sourceName: src.name, name: t.name, fqn: [name, ...dirs, src.name, t.name],
          originalFilePath: rel(file), path: rel(file), database, schema, identifier, description: t.description ?? '',
          sourceDescription: src.description ?? '', loader: src.loader ?? '', columns: t.columns ?? [], tests: [...asList(t.data_tests, []), ...asList(t.tests, [])],
          relationName: target.type === 'duckdb' ? `"${database}"."${schema}"."${identifier}"` : `${database}.${schema}.${identifier}`,
          freshness: t.freshness ?? src.freshness ?? null, loadedAtField: t.loaded_at_field ?? src.loaded_at_field ?? null,
        });
      }
    }
    for (const key of ['models', 'seeds', 'snapshots']) {
      for (const patch of asList(doc[key], [])) {
        const node = nodes.find((n) => n.resourceType === key.slice(0, -1) && n.name === patch?.name);
        if (!node) continue;
        node.patchPath = `${name}://${rel(file)}`;
        node.patch = patch;
        node.description = renderDocs(typeof patch.description === 'string' ? patch.description.trim() : '');
        if (isObj(patch.config)) {
          Object.assign(node.config, renderDeep(patch.config, ctx));
          Object.assign(node.unrenderedConfig, patch.config);
        }
        for (const c of asList(patch.columns, [])) node.columns[c.name] = { name: c.name, description: renderDocs(c.description ?? ''), meta: {}, data_type: c.data_type ?? null, constraints: [], quote: null, tags: [], granularity: null, doc_blocks: [] };
      }
    }
  }

  const enabled = [];
  const disabled = [];
  for (const n of nodes) {
    n.config.enabled = n.config.enabled === undefined ? true : Boolean(n.config.enabled);
    Object.assign(n, relationOf(n.config, n.config.alias ?? n.name));
    (n.config.enabled ? enabled : disabled).push(n);
  }
  const project = { name, dbtProject, ctx, target, nodes: enabled, disabled, sources: sourcesOut, macros, docs, unitTests: [], relationOf, rel, ymls, paths, projectConfig };
  addTests(project);
  linkDependencies(project);
  return project;
}

/** Resolves refs and sources into depends_on.nodes; a ref to nothing is a compilation error, as in dbt. */
function linkDependencies(project) {
  const byName = new Map(project.nodes.filter((n) => n.resourceType !== 'test').map((n) => [n.name, n]));
  const disabledNames = new Set(project.disabled.map((n) => n.name));
  for (const n of [...project.nodes, ...project.unitTests]) {
    const deps = [];
    for (const r of n.refs ?? []) {
      const target = byName.get(r);
      if (!target) {
        const why = disabledNames.has(r) ? `which is disabled` : `which was not found`;
        throw new FakeDbtError(`Compilation Error\n  ${n.resourceType === 'test' ? 'Test' : 'Model'} '${n.uniqueId}' (${n.originalFilePath}) depends on a node named '${r}' ${why}`);
      }
      deps.push(target.uniqueId);
    }
    for (const [s, t] of n.sourceRefs ?? []) {
      const src = project.sources.find((x) => x.sourceName === s && x.name === t);
      if (!src) throw new FakeDbtError(`Compilation Error\n  Model '${n.uniqueId}' (${n.originalFilePath}) depends on a source named '${s}.${t}' which was not found`);
      deps.push(src.uniqueId);
    }
    n.dependsOn = [...new Set([...(n.extraDeps ?? []), ...deps])];
  }
}

