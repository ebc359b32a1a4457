/**
 * A static index of a dbt project, built from its files without running dbt: models, seeds,
 * snapshots and sources (each with its file, line, fqn and tags), the ref/source calls of every
 * SQL file, and the properties (`models:` entries with their tests) of every YAML file. YAML that
 * does not parse becomes a problem here. Pure: the caller reads the files.
 */
import { isMap, isSeq, type YAMLMap } from 'yaml';
import { findConfigTags, findDbtCalls, findSnapshots, type DbtCall } from './dbt-sql.js';
import { problem, type ValidateProblem } from './problem.js';
import { parseYaml, positionOf, type YamlSource } from './yaml-source.js';

export interface TextFile {
  /** Repository-relative path. */
  path: string;
  text: string;
}

export type DbtNodeType = 'model' | 'seed' | 'snapshot' | 'source';

export interface DbtNode {
  /** `model.<name>`, `seed.<name>`, `snapshot.<name>`, `source.<source>.<table>`. */
  id: string;
  type: DbtNodeType;
  name: string;
  /** Repository-relative file that defines it. */
  file: string;
  /** Path relative to the dbt project directory (dbt's `original_file_path`). */
  projectPath: string;
  line: number;
  fqn: string[];
  tags: Set<string>;
  /** Ids of the nodes it depends on (from its ref/source calls). */
  parents: Set<string>;
  sourceName?: string;
}

/** The tests declared for a model in a properties file. */
export interface ModelProperties {
  name: string;
  file: string;
  line: number;
  /** column name → test names (`unique`, `not_null`, …). */
  columnTests: Map<string, Set<string>>;
}

export interface SqlCalls {
  file: string;
  calls: DbtCall[];
}

export interface DbtIndex {
  /** Repository-relative dbt project directory ('' for the root). */
  dir: string;
  projectName: string;
  modelPaths: string[];
  nodes: Map<string, DbtNode>;
  /** Packages declared in packages.yml / dependencies.yml. */
  packages: Set<string>;
  /** ref/source calls of every SQL file that dbt parses (models, snapshots, tests, analyses). */
  sqlCalls: SqlCalls[];
  modelProperties: Map<string, ModelProperties>;
  /** Every repository-relative path under the project (for `path:` selectors). */
  paths: string[];
  problems: ValidateProblem[];
}

const PROJECT_FILE = 'dbt_project.yml';

function rel(dir: string, path: string): string {
  return dir ? path.slice(dir.length + 1) : path;
}

function under(path: string, roots: string[]): string | undefined {
  return roots.find((r) => path === r || path.startsWith(`${r}/`));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function asList(value: unknown, fallback: string[]): string[] {
  const list = strings(value).map((p) => p.replace(/\/+$/, ''));
  return list.length ? list : fallback;
}

interface TagRule {
  prefix: string[];
  tags: string[];
}

/** `models: {proj: {staging: {+tags: [...]}}}` → tag rules by fqn prefix. */
function tagRules(tree: unknown, prefix: string[] = []): TagRule[] {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return [];
  const rules: TagRule[] = [];
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (key === '+tags' || key === 'tags') rules.push({ prefix, tags: strings(value) });
    else if (!key.startsWith('+') && value && typeof value === 'object' && !Array.isArray(value)) {
      rules.push(...tagRules(value, [...prefix, key]));
    }
  }
  return rules;
}

function applyTagRules(node: DbtNode, rules: TagRule[]): void {
  for (const r of rules) if (r.prefix.every((p, i) => node.fqn[i] === p)) r.tags.forEach((t) => node.tags.add(t));
}

function stem(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
}

function dirsBetween(projectPath: string, root: string): string[] {
  const inner = projectPath.slice(root.length + 1).split('/');
  return inner.slice(0, -1);
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

export function buildDbtIndex(opts: { dir: string; files: TextFile[] }): DbtIndex {
  const { dir } = opts;
  const problems: ValidateProblem[] = [];
  const byPath = new Map(opts.files.map((f) => [rel(dir, f.path), f]));
  const repoPath = (p: string) => (dir ? `${dir}/${p}` : p);

  const yamls = new Map<string, YamlSource>();
  const loadYaml = (projectPath: string): YamlSource | undefined => {
    const f = byPath.get(projectPath);
    if (!f) return undefined;
    let src = yamls.get(projectPath);
    if (!src) {
      src = parseYaml(f.text);
      yamls.set(projectPath, src);
      for (const e of src.errors) {
        problems.push(problem({ kind: 'dbt', rule: 'dbt/yaml-valid', message: `YAML does not parse: ${e.message}`, file: f.path, line: e.line, column: e.column }));
      }
    }
    return src.errors.length ? undefined : src;
  };

  const projectSrc = loadYaml(PROJECT_FILE);
  const project = (projectSrc?.doc.toJS() ?? {}) as Record<string, unknown>;
  if (!byPath.has(PROJECT_FILE)) {
    problems.push(problem({ kind: 'dbt', rule: 'dbt/project-file', message: `no ${PROJECT_FILE} in ${dir || '.'}`, file: repoPath(PROJECT_FILE), line: 1 }));
  }
  const projectName = typeof project.name === 'string' ? project.name : 'project';
  const modelPaths = asList(project['model-paths'] ?? project['source-paths'], ['models']);
  const seedPaths = asList(project['seed-paths'] ?? project['data-paths'], ['seeds']);
  const snapshotPaths = asList(project['snapshot-paths'], ['snapshots']);
  const testPaths = asList(project['test-paths'], ['tests']);
  const analysisPaths = asList(project['analysis-paths'], ['analyses']);
  const modelRules = tagRules(project.models);
  const seedRules = tagRules(project.seeds);
  const snapshotRules = tagRules(project.snapshots);

  const packages = new Set<string>();
  for (const name of ['packages.yml', 'dependencies.yml']) {
    const pk = loadYaml(name)?.doc.toJS() as { packages?: Array<Record<string, unknown>> } | undefined;
    for (const p of pk?.packages ?? []) {
      const id = typeof p.package === 'string' ? p.package : typeof p.git === 'string' ? p.git : typeof p.local === 'string' ? p.local : '';
      const last = id.replace(/\.git$/, '').split('/').pop();
      if (last) packages.add(last.replace(/-/g, '_'));
    }
  }

  const nodes = new Map<string, DbtNode>();
  const sqlCalls: SqlCalls[] = [];
  const add = (n: Omit<DbtNode, 'id' | 'tags' | 'parents'> & { id?: string; tags?: string[] }) => {
    const id = n.id ?? `${n.type}.${n.name}`;
    const existing = nodes.get(id);
    if (existing && n.type !== 'source') {
      problems.push(
        problem({ kind: 'dbt', rule: 'dbt/name-unique', message: `two ${n.type}s are named '${n.name}' (also ${existing.file})`, file: n.file, line: n.line }),
      );
      return existing;
    }
    const node: DbtNode = { ...n, id, tags: new Set(n.tags ?? []), parents: new Set() };
    nodes.set(id, node);
    return node;
  };

  const paths = [...byPath.keys()].sort();
  for (const p of paths) {
    const f = byPath.get(p)!;
    const modelRoot = under(p, modelPaths);
    if (modelRoot && /\.(sql|py)$/.test(p)) {
      const name = stem(p);
      const node = add({ type: 'model', name, file: f.path, projectPath: p, line: 1, fqn: [projectName, ...dirsBetween(p, modelRoot), name], tags: findConfigTags(f.text) });
      applyTagRules(node, modelRules);
    }
    const seedRoot = under(p, seedPaths);
    if (seedRoot && p.endsWith('.csv')) {
      const name = stem(p);
      applyTagRules(add({ type: 'seed', name, file: f.path, projectPath: p, line: 1, fqn: [projectName, ...dirsBetween(p, seedRoot), name] }), seedRules);
    }
    const snapRoot = under(p, snapshotPaths);
    if (snapRoot && p.endsWith('.sql')) {
      for (const s of findSnapshots(f.text)) {
        const node = add({ type: 'snapshot', name: s.name, file: f.path, projectPath: p, line: s.line, fqn: [projectName, ...dirsBetween(p, snapRoot), stem(p), s.name], tags: findConfigTags(f.text) });
        applyTagRules(node, snapshotRules);
      }
    }
    if (p.endsWith('.sql') && (modelRoot || snapRoot || under(p, testPaths) || under(p, analysisPaths))) {
      sqlCalls.push({ file: f.path, calls: findDbtCalls(f.text) });
    }
  }

  // Properties files: sources, model entries (tests, tags), YAML-defined snapshots.
  const modelProperties = new Map<string, ModelProperties>();
  const propertyRoots = [...modelPaths, ...seedPaths, ...snapshotPaths, ...testPaths, ...analysisPaths];
  for (const p of paths) {
    if (!/\.ya?ml$/.test(p) || !under(p, propertyRoots)) continue;
    const src = loadYaml(p);
    if (!src) continue;
    const file = byPath.get(p)!.path;
    const contents = src.doc.contents;
    if (contents === null) continue;
    if (!isMap(contents)) {
      problems.push(problem({ kind: 'dbt', rule: 'dbt/yaml-valid', message: 'a properties file must be a mapping (version:, models:, sources: …)', file, line: 1 }));
      continue;
    }
    readProperties({ src, map: contents, file, projectPath: p, projectName, nodes, add, modelProperties, problems });
  }

  // Dependencies from ref/source calls.
  const byName = new Map<string, DbtNode>();
  for (const n of nodes.values()) if (n.type !== 'source' && !byName.has(n.name)) byName.set(n.name, n);
  for (const { file, calls } of sqlCalls) {
    const owners = [...nodes.values()].filter((n) => n.file === file && n.type !== 'source');
    for (const c of calls) {
      const parent = c.kind === 'ref' ? (!c.package || c.package === projectName ? byName.get(c.name) : undefined) : nodes.get(`source.${c.name}.${c.table}`);
      if (parent) owners.forEach((o) => o.parents.add(parent.id));
    }
  }

  return { dir, projectName, modelPaths, nodes, packages, sqlCalls, modelProperties, paths: paths.map(repoPath), problems };
}

function readProperties(o: {
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
