/**
 * Reads one dbt properties file (`models:`, `sources:`, YAML `snapshots:`) into the project index:
 * sources become nodes, model entries record their tests per column and their tags. Structural
 * mistakes (a list that is not a list, an entry without a name, a model described twice) become
 * problems at their line. Pure.
 */
import { isSeq, type YAMLMap } from 'yaml';
import type { DbtNode, ModelProperties } from './dbt-project.js';
import { problem, type ValidateProblem } from './problem.js';
import { positionOf, type YamlSource } from './yaml-source.js';

export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function testName(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
    const obj = entry as Record<string, unknown>;
    if (typeof obj.test_name === 'string') return obj.test_name;
    const keys = Object.keys(obj);
    if (keys.length === 1) return keys[0];
  }
  return undefined;
}

function testsOf(obj: Record<string, unknown>): unknown[] {
  return [...(Array.isArray(obj.tests) ? obj.tests : []), ...(Array.isArray(obj.data_tests) ? obj.data_tests : [])];
}

/** Column name given to a model-level generic test (`- unique: {column_name: id}`). */
function testColumn(entry: unknown): string | undefined {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const obj = entry as Record<string, unknown>;
  const args = Object.keys(obj).length === 1 ? obj[Object.keys(obj)[0]] : obj;
  if (args && typeof args === 'object' && !Array.isArray(args)) {
    const a = args as Record<string, unknown>;
    const col = a.column_name ?? (a.arguments as Record<string, unknown> | undefined)?.column_name;
    if (typeof col === 'string') return col;
  }
  return undefined;
}

export function readProperties(o: {
  src: YamlSource;
  map: YAMLMap;
  file: string;
  projectPath: string;
  projectName: string;
  nodes: Map<string, DbtNode>;
  add: (n: Omit<DbtNode, 'id' | 'tags' | 'parents'> & { id?: string; tags?: string[] }) => DbtNode;
  modelProperties: Map<string, ModelProperties>;
  problems: ValidateProblem[];
}): void {
  const js = o.src.doc.toJS() as Record<string, unknown>;
  const dirs = o.projectPath.split('/').slice(1, -1);
  const at = (path: (string | number)[]) => positionOf(o.src, path).line;
  const structure = (message: string, path: (string | number)[]) =>
    o.problems.push(problem({ kind: 'dbt', rule: 'dbt/yaml-valid', message, file: o.file, line: at(path) }));

  for (const key of ['models', 'sources', 'seeds', 'snapshots'] as const) {
    if (js[key] !== undefined && js[key] !== null && !isSeq(o.map.get(key, true))) structure(`'${key}:' must be a list`, [key]);
  }

  const sources = Array.isArray(js.sources) ? js.sources : [];
  sources.forEach((s: Record<string, unknown>, i: number) => {
    if (!s || typeof s.name !== 'string') return structure('a source needs a name', ['sources', i]);
    const tables = Array.isArray(s.tables) ? s.tables : [];
    const sourceTags = strings(s.tags).concat(strings((s.config as Record<string, unknown> | undefined)?.tags));
    tables.forEach((t: Record<string, unknown>, j: number) => {
      if (!t || typeof t.name !== 'string') return structure(`a table of source '${s.name}' needs a name`, ['sources', i, 'tables', j]);
      o.add({
        id: `source.${s.name}.${t.name}`,
        type: 'source',
        name: t.name,
        sourceName: s.name as string,
        file: o.file,
        projectPath: o.projectPath,
        line: at(['sources', i, 'tables', j]),
        fqn: [o.projectName, ...dirs, s.name as string, t.name],
        tags: [...sourceTags, ...strings(t.tags)],
      });
    });
  });

  const models = Array.isArray(js.models) ? js.models : [];
  models.forEach((m: Record<string, unknown>, i: number) => {
    if (!m || typeof m.name !== 'string') return structure('a model entry needs a name', ['models', i]);
    const line = at(['models', i]);
    const prior = o.modelProperties.get(m.name);
    if (prior) {
      o.problems.push(
        problem({ kind: 'dbt', rule: 'dbt/yaml-valid', message: `model '${m.name}' has two properties entries (also ${prior.file}:${prior.line})`, file: o.file, line }),
      );
      return;
    }
    const columnTests = new Map<string, Set<string>>();
    const note = (col: string, test: string | undefined) => {
      if (!test) return;
      if (!columnTests.has(col)) columnTests.set(col, new Set());
      columnTests.get(col)!.add(test);
    };
    for (const c of Array.isArray(m.columns) ? m.columns : []) {
      if (c && typeof c === 'object' && typeof (c as Record<string, unknown>).name === 'string') {
        for (const t of testsOf(c as Record<string, unknown>)) note((c as Record<string, string>).name, testName(t));
      }
    }
    for (const t of testsOf(m)) {
      const col = testColumn(t);
      if (col) note(col, testName(t));
    }
    o.modelProperties.set(m.name, { name: m.name, file: o.file, line, columnTests });
    const node = o.nodes.get(`model.${m.name}`);
    if (node) {
      strings(m.tags).concat(strings((m.config as Record<string, unknown> | undefined)?.tags)).forEach((t) => node.tags.add(t));
    }
  });

  const snapshots = Array.isArray(js.snapshots) ? js.snapshots : [];
  snapshots.forEach((s: Record<string, unknown>, i: number) => {
    if (s && typeof s.name === 'string' && s.relation !== undefined && !o.nodes.has(`snapshot.${s.name}`)) {
      o.add({ type: 'snapshot', name: s.name, file: o.file, projectPath: o.projectPath, line: at(['snapshots', i]), fqn: [o.projectName, ...dirs, s.name] });
    }
  });
}
