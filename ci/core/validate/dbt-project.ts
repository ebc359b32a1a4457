/**
 * A static index of a dbt project, built from its files without running dbt: models, seeds,
 * snapshots and sources (each with its file, line, fqn and tags), the ref/source calls of every
 * SQL file, and the properties (`models:` entries with their tests) of every YAML file. YAML that
 * does not parse becomes a problem here. Pure: the caller reads the files.
 */
import { isMap } from 'yaml';
import { findConfigTags, findDbtCalls, findSnapshots, type DbtCall } from './dbt-sql.js';
import { problem, type ValidateProblem } from './problem.js';
import { parseYaml, type YamlSource } from './yaml-source.js';
import { readProperties, strings } from './dbt-properties.js';

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
  /** model-paths and test-paths that hold SQL (what sqlfluff lints; snapshots' `{% snapshot %}` tag is dbt-only). */
  lintPaths: string[];
  nodes: Map<string, DbtNode>;
  /** Packages declared in packages.yml / dependencies.yml. */
  packages: Set<string>;
  /** ref/source calls of every SQL file that dbt parses (models, snapshots, tests, analyses). */
  sqlCalls: SqlCalls[];
  modelProperties: Map<string, ModelProperties>;
  /** Every repository-relative path under the project (for `path:` selectors). */
  paths: string[];
  /** Some YAML did not parse: sources and model properties may be missing from the index. */
  incomplete: boolean;
  problems: ValidateProblem[];
}

const PROJECT_FILE = 'dbt_project.yml';

function rel(dir: string, path: string): string {
  return dir ? path.slice(dir.length + 1) : path;
}

function under(path: string, roots: string[]): string | undefined {
  return roots.find((r) => path === r || path.startsWith(`${r}/`));
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

  const lintPaths = [...modelPaths, ...testPaths].filter((root) => paths.some((p) => p.startsWith(`${root}/`) && p.endsWith('.sql')));
  const incomplete = [...yamls.values()].some((y) => y.errors.length > 0);
  return { dir, projectName, modelPaths, lintPaths, nodes, packages, sqlCalls, modelProperties, paths: paths.map(repoPath), incomplete, problems };
}
