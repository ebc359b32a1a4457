// Writes the test double's artifacts in dbt 1.9's shapes: manifest.json (schema v12) and
// run_results.json (schema v6), with the same fields dbt writes (checked against real artifacts in
// test/e2e/dbt-runner.test.ts).
import { createHash } from 'node:crypto';
import { renderConditionals } from './jinja.mjs';

export const DBT_VERSION = '1.9.4';
const md5 = (s) => createHash('md5').update(s).digest('hex');
const created = () => Date.now() / 1000;

export function envMetadata(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('DBT_ENV_CUSTOM_ENV_')) out[k.slice('DBT_ENV_CUSTOM_ENV_'.length)] = v;
  return out;
}

/** Model SQL as dbt would compile it: taken `if` branches, refs and sources as relation names. */
export function compileSql({ project, graph, node }) {
  if (node.compiledCode !== undefined) return node.compiledCode;
  const byName = new Map(graph.all.filter((n) => n.resourceType !== 'test').map((n) => [n.name, n]));
  return renderConditionals(node.rawCode ?? '', project.ctx)
    .replace(/\{\{\s*config\(.*?\)\s*\}\}/gs, '')
    .replace(/\{\{\s*ref\(\s*(['"])([^'"]+)\1\s*\)\s*\}\}/g, (m, _q, name) => byName.get(name)?.relationName ?? m)
    .replace(/\{\{\s*source\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)\s*\}\}/g, (m, _a, s, _b, t) => project.sources.find((x) => x.sourceName === s && x.name === t)?.relationName ?? m)
    .replace(/\{\{\s*var\(\s*(['"])([^'"]+)\1[^}]*\}\}/g, (m, _q, name) => (name in project.ctx.vars ? String(project.ctx.vars[name]) : m));
}

const BASE_CONFIG = {
  enabled: true, alias: null, schema: null, database: null, tags: [], meta: {}, group: null, materialized: 'view',
  incremental_strategy: null, batch_size: null, lookback: 1, begin: null, persist_docs: {}, 'post-hook': [], 'pre-hook': [],
  quoting: {}, column_types: {}, full_refresh: null, unique_key: null, on_schema_change: 'ignore', on_configuration_change: 'apply',
  grants: {}, packages: [], docs: { show: true, node_color: null }, contract: { enforced: false, alias_types: true }, event_time: null, concurrent_batches: null,
};

function nodeJson({ project, graph, node, executed }) {
  const common = {
    database: node.database, schema: node.schema, name: node.name, resource_type: node.resourceType, package_name: project.name,
    path: node.path, original_file_path: node.originalFilePath, unique_id: node.uniqueId, fqn: node.fqn, alias: node.alias, checksum: node.checksum,
    config: node.resourceType === 'test' ? { enabled: true, alias: null, schema: 'dbt_test__audit', database: null, tags: [], meta: {}, group: null, ...node.config } : { ...BASE_CONFIG, ...node.config },
    tags: node.config.tags ?? [], description: node.description ?? '', columns: node.columns ?? {}, meta: {}, group: null, docs: { show: true, node_color: null },
    patch_path: node.patchPath ?? null, build_path: null, unrendered_config: node.unrenderedConfig ?? {}, created_at: created(),
    relation_name: node.resourceType === 'test' ? null : node.relationName, raw_code: node.rawCode ?? '', doc_blocks: [],
  };
  if (node.resourceType === 'seed') return { ...common, root_path: project.ctx.projectDir ?? null, depends_on: { macros: [] } };
  const out = {
    ...common, language: 'sql', refs: (node.refs ?? []).map((name) => ({ name, package: null, version: null })), sources: node.sourceRefs ?? [], metrics: [],
    depends_on: { macros: node.macroDeps ?? [], nodes: node.dependsOn ?? [] },
    compiled_path: executed ? `target/compiled/${project.name}/${node.originalFilePath}${node.resourceType === 'test' && node.testMetadata ? `/${node.path}` : ''}` : null,
  };
  if (executed) Object.assign(out, { compiled: true, compiled_code: compileSql({ project, graph, node }), extra_ctes_injected: true, extra_ctes: [] });
  out.contract = { enforced: false, alias_types: true, checksum: null };
  if (node.resourceType === 'test') {
    Object.assign(out, { column_name: node.columnName, file_key_name: node.fileKeyName ?? null, attached_node: node.attachedNode });
    if (node.testMetadata) out.test_metadata = node.testMetadata;
  } else if (node.resourceType === 'model') {
    Object.assign(out, { access: 'protected', constraints: [], version: null, latest_version: null, deprecation_date: null, primary_key: [] });
  }
  return out;
}

const BUILTIN_MACROS = ['test_not_null', 'test_unique', 'test_accepted_values', 'test_relationships', 'get_where_subquery'];

export function manifestJson({ project, graph, invocationId, generatedAt, executedIds = new Set() }) {
  const nodes = {};
  for (const n of project.nodes) nodes[n.uniqueId] = nodeJson({ project, graph, node: n, executed: executedIds.has(n.uniqueId) });
  const sources = {};
  for (const s of project.sources) {
    sources[s.uniqueId] = {
      database: s.database, schema: s.schema, name: s.name, resource_type: 'source', package_name: project.name, path: s.path, original_file_path: s.originalFilePath,
      unique_id: s.uniqueId, fqn: s.fqn, source_name: s.sourceName, source_description: s.sourceDescription, loader: s.loader, identifier: s.identifier,
      quoting: { database: null, schema: null, identifier: null, column: null }, loaded_at_field: s.loadedAtField, freshness: s.freshness, external: null, description: s.description,
      columns: Object.fromEntries(s.columns.map((c) => [c.name, { name: c.name, description: c.description ?? '', meta: {}, data_type: null, constraints: [], quote: null, tags: [], granularity: null }])),
      meta: {}, source_meta: {}, tags: [], config: { enabled: true, event_time: null }, patch_path: null, unrendered_config: {}, relation_name: s.relationName, created_at: created(),
    };
  }
  const macros = {};
  const macro = (id, name, pkg, path, sql) => ({ name, resource_type: 'macro', package_name: pkg, path, original_file_path: path, unique_id: id, macro_sql: sql, depends_on: { macros: [] }, description: '', meta: {}, docs: { show: true, node_color: null }, patch_path: null, arguments: [], created_at: created(), supported_languages: null });
  for (const name of BUILTIN_MACROS) macros[`macro.dbt.${name}`] = macro(`macro.dbt.${name}`, name, 'dbt', `macros/generic_test_sql/${name}.sql`, `{% macro ${name}() %}{% endmacro %}`);
  for (const m of project.macros) macros[m.uniqueId] = macro(m.uniqueId, m.name, project.name, m.path, m.sql);
  const docs = {};
  for (const d of project.docs) docs[d.uniqueId] = { name: d.name, resource_type: 'doc', package_name: project.name, path: d.path, original_file_path: d.path, unique_id: d.uniqueId, block_contents: d.contents };
  const unitTests = {};
  for (const u of project.unitTests) {
    unitTests[u.uniqueId] = { model: u.model, given: u.given, expect: u.expect, name: u.name, resource_type: 'unit_test', package_name: project.name, path: u.path, original_file_path: u.originalFilePath, unique_id: u.uniqueId, fqn: u.fqn, description: u.description, overrides: null, depends_on: { macros: [], nodes: u.dependsOn }, config: u.config, checksum: u.checksum.checksum, schema: project.target.schema, created_at: created(), versions: null, version: null };
  }
  const disabled = {};
  for (const n of project.disabled) (disabled[n.uniqueId] ??= []).push({ ...nodeJson({ project, graph, node: n, executed: false }), depends_on: { macros: [], nodes: [] } });
  const parentMap = {};
  const childMap = {};
  for (const id of [...Object.keys(nodes), ...Object.keys(sources)]) (parentMap[id] = [...(graph.parents.get(id) ?? [])].sort()), (childMap[id] = [...(graph.children.get(id) ?? [])].filter((c) => !c.startsWith('unit_test.')).sort());
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: DBT_VERSION, generated_at: generatedAt, invocation_id: invocationId,
      env: envMetadata(project.ctx.env), project_name: project.name, project_id: md5(project.name), user_id: null, send_anonymous_usage_stats: false, adapter_type: project.target.type,
    },
    nodes, sources, macros, docs, exposures: {}, metrics: {}, groups: {}, selectors: {}, disabled, parent_map: parentMap, child_map: childMap, group_map: {}, saved_queries: {}, semantic_models: {}, unit_tests: unitTests,
  };
}

export function runResultsJson({ project, graph, results, invocationId, generatedAt, elapsed, args }) {
  return {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', dbt_version: DBT_VERSION, generated_at: generatedAt, invocation_id: invocationId, env: envMetadata(project.ctx.env) },
    results: results.map((r) => ({
      status: r.status,
      timing: r.timing,
      thread_id: `Thread-${1 + (results.indexOf(r) % Math.max(1, Number(project.target.threads) || 1))} (worker)`,
      execution_time: r.executionTime,
      adapter_response: r.adapterResponse,
      message: r.message,
      failures: r.failures,
      unique_id: r.node.uniqueId,
      compiled: r.compiled,
      compiled_code: r.compiled ? (r.node.resourceType === 'unit_test' ? '' : compileSql({ project, graph, node: r.node })) : null,
      relation_name: ['test', 'unit_test'].includes(r.node.resourceType) ? null : (r.node.relationName ?? null),
      batch_results: null,
    })),
    elapsed_time: elapsed,
    args,
  };
}
