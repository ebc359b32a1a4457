/**
 * dbt node selection over a static project index, following dbt-core 1.x: space-separated
 * criteria are a union, comma-separated ones an intersection; graph operators `+`, `n+`, `+n`,
 * `@`; methods fqn (the default), tag, source, path, file, package. A bare value with a `/` is a
 * path, one ending in `.sql`/`.py`/`.csv` a file, anything else an fqn — so, as in dbt-core, a bare
 * wildcard (`stg_*`) is matched against the whole fqn after the project name and only selects
 * models at the top of the model path. Methods that need a previous run or a compiled manifest
 * (state, result, config, …) cannot be judged here and are reported as `unknown`. Pure.
 */
import { fnmatch, globToRegExp, hasWildcard } from './glob.js';
import type { DbtIndex, DbtNode } from './dbt-project.js';

export interface CriterionResult {
  /** One space-separated part of the selector, as written. */
  criterion: string;
  status: 'matched' | 'empty' | 'unknown';
  /** Node ids the criterion selects (graph operators applied). */
  nodes: string[];
  /** When status is `empty`: which comma-separated atom matched nothing, if one did. */
  emptyAtom?: string;
}

const ATOM = /^(@)?(?:(\d*)\+)?(?:([\w.]+):)?(.*?)(?:\+(\d*))?$/;
const STATIC_METHODS = new Set(['fqn', 'tag', 'source', 'path', 'file', 'package']);

interface ParsedAtom {
  at: boolean;
  parents?: number;
  children?: number;
  method: string;
  value: string;
}

function depth(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  return s === '' ? Infinity : Number(s);
}

export function parseAtom(raw: string, index?: Pick<DbtIndex, 'paths' | 'dir'>): ParsedAtom {
  const m = ATOM.exec(raw)!;
  const value = m[4];
  let method = m[3];
  if (!method) {
    const bare = value.replace(/^\.\//, '').replace(/\/+$/, '');
    const projectPath = index?.dir ? `${index.dir}/${bare}` : bare;
    const exists = !!bare && !!index?.paths.some((p) => p === projectPath || p.startsWith(`${projectPath}/`));
    if (value.includes('/') || exists) method = 'path';
    else if (/\.(sql|py|csv)$/i.test(value)) method = 'file';
    else method = 'fqn';
  }
  return { at: !!m[1], parents: depth(m[2]), children: depth(m[5]), method, value };
}

/** dbt-core's `is_selected_node`. */
function isSelectedNode(fqn: string[], selector: string): boolean {
  if (fqn.length === 0) return false;
  if (fqn[fqn.length - 1] === selector) return true;
  const flat = fqn.flatMap((s) => s.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    if (hasWildcard(parts[i])) return fnmatch(flat.slice(i).join('.'), parts.slice(i).join('.'));
    if (flat[i] !== parts[i]) return false;
  }
  return true;
}

function matchMethod(index: DbtIndex, node: DbtNode, method: string, value: string): boolean {
  switch (method) {
    case 'fqn':
      return node.type !== 'source' && (value === '*' || isSelectedNode(node.fqn, value) || isSelectedNode(node.fqn.slice(1), value));
    case 'tag':
      return [...node.tags].some((t) => fnmatch(t, value));
    case 'package':
      return fnmatch(index.projectName, value);
    case 'file':
      return node.type !== 'source' && fnmatch(node.projectPath.split('/').pop()!, value);
    case 'source': {
      if (node.type !== 'source') return false;
      const parts = value.split('.');
      const [pkg, src, table] = parts.length === 3 ? parts : parts.length === 2 ? ['*', ...parts] : ['*', parts[0], '*'];
      return fnmatch(index.projectName, pkg) && fnmatch(node.sourceName ?? '', src) && fnmatch(node.name, table);
    }
    case 'path': {
      const re = globToRegExp(value.replace(/^\.\//, '').replace(/\/+$/, ''));
      const segments = node.projectPath.split('/');
      for (let i = segments.length; i > 0; i--) if (re.test(segments.slice(0, i).join('/'))) return true;
      return false;
    }
    default:
      return false;
  }
}

function walk(start: Set<string>, next: (id: string) => Iterable<string>, limit: number): Set<string> {
  const seen = new Set<string>();
  let frontier = [...start];
  for (let d = 0; d < limit && frontier.length; d++) {
    const nextFrontier: string[] = [];
    for (const id of frontier) for (const n of next(id)) if (!seen.has(n) && !start.has(n)) (seen.add(n), nextFrontier.push(n));
    frontier = nextFrontier;
  }
  return seen;
}

function childrenMap(index: DbtIndex): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const n of index.nodes.values()) {
    for (const p of n.parents) {
      if (!children.has(p)) children.set(p, []);
      children.get(p)!.push(n.id);
    }
  }
  return children;
}

/** Evaluates one atom; `null` when its method cannot be judged statically. */
export function selectAtom(index: DbtIndex, raw: string, children = childrenMap(index)): { base: Set<string>; all: Set<string> } | null {
  const atom = parseAtom(raw, index);
  if (!STATIC_METHODS.has(atom.method)) return null;
  const base = new Set([...index.nodes.values()].filter((n) => matchMethod(index, n, atom.method, atom.value)).map((n) => n.id));
  const all = new Set(base);
  const parentsOf = (id: string) => index.nodes.get(id)?.parents ?? [];
  const childrenOf = (id: string) => children.get(id) ?? [];
  if (atom.parents !== undefined) walk(base, parentsOf, atom.parents).forEach((id) => all.add(id));
  if (atom.children !== undefined) walk(base, childrenOf, atom.children).forEach((id) => all.add(id));
  if (atom.at) {
    const desc = walk(base, childrenOf, Infinity);
    desc.forEach((id) => all.add(id));
    walk(new Set([...base, ...desc]), parentsOf, Infinity).forEach((id) => all.add(id));
  }
  return { base, all };
}

/** Splits a `--select` value list into criteria (dbt joins several values with spaces). */
export function splitCriteria(selector: string): string[] {
  return selector.split(/\s+/).filter(Boolean);
}

/** Resolves every criterion of a selector against the index. */
export function resolveSelector(index: DbtIndex, selector: string): CriterionResult[] {
  const children = childrenMap(index);
  return splitCriteria(selector).map((criterion) => {
    let acc: Set<string> | undefined;
    for (const atom of criterion.split(',').filter(Boolean)) {
      const r = selectAtom(index, atom, children);
      if (r === null) return { criterion, status: 'unknown', nodes: [] };
      if (r.base.size === 0) return { criterion, status: 'empty', nodes: [], emptyAtom: atom };
      acc = acc ? new Set([...acc].filter((id) => r.all.has(id))) : r.all;
    }
    const nodes = [...(acc ?? [])].sort();
    return { criterion, status: nodes.length ? 'matched' : 'empty', nodes };
  });
}
