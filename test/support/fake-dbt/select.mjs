// The DAG and dbt's node selection syntax for the test double: names, globs, `tag:`, `path:`,
// `resource_type:`, `source:`, `fqn:`, `test_type:`, `state:modified` (against --state), graph
// operators `+x`, `x+`, `N+x`, `x+N`, `@x`, unions (spaces), intersections (commas), --exclude,
// and eager indirect selection of tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeDbtError } from './jinja.mjs';

export function buildGraph(project) {
  const all = [...project.nodes, ...project.sources.map((s) => ({ ...s, resourceType: 'source', dependsOn: [] })), ...project.unitTests];
  const byId = new Map(all.map((n) => [n.uniqueId, n]));
  const parents = new Map(all.map((n) => [n.uniqueId, n.dependsOn ?? []]));
  const children = new Map(all.map((n) => [n.uniqueId, []]));
  for (const [id, ps] of parents) for (const p of ps) children.get(p)?.push(id);
  return { all, byId, parents, children };
}

function closure(start, edges, depth = Infinity) {
  const seen = new Set();
  let frontier = [start];
  for (let d = 0; d < depth && frontier.length; d++) {
    const next = [];
    for (const id of frontier) for (const x of edges.get(id) ?? []) if (!seen.has(x)) (seen.add(x), next.push(x));
    frontier = next;
  }
  return seen;
}

const glob = (pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

function stateModified(graph, stateDir) {
  if (!stateDir) throw new FakeDbtError('Runtime Error\n  Got a state selector method, but no comparison manifest');
  const file = join(stateDir, 'manifest.json');
  if (!existsSync(file)) throw new FakeDbtError(`Runtime Error\n  Could not find manifest in --state path: '${stateDir}'`);
  const previous = JSON.parse(readFileSync(file, 'utf8')).nodes ?? {};
  return new Set(
    graph.all
      .filter((n) => n.resourceType !== 'source')
      .filter((n) => {
        const old = previous[n.uniqueId];
        if (!old) return true;
        if (n.checksum?.name !== 'none' && JSON.stringify(old.checksum) !== JSON.stringify(n.checksum)) return true;
        return (old.raw_code ?? '') !== (n.rawCode ?? '') || JSON.stringify(old.unrendered_config ?? {}) !== JSON.stringify(n.unrenderedConfig ?? {});
      })
      .map((n) => n.uniqueId),
  );
}

function matchAtom(graph, atom, stateDir) {
  const mm = /^([a-z_]+):(.+)$/.exec(atom);
  const [method, value] = mm ? [mm[1], mm[2]] : [null, atom];
  const re = glob(value);
  const hits = (pred) => new Set(graph.all.filter(pred).map((n) => n.uniqueId));
  switch (method) {
    case null:
      if (value.includes('/') || value.endsWith('.sql') || value.endsWith('.csv')) return matchAtom(graph, `path:${value}`, stateDir);
      return hits((n) => re.test(n.name) || re.test(n.fqn?.join('.') ?? '') || (n.resourceType === 'source' && re.test(`${n.sourceName}.${n.name}`)));
    case 'tag':
      return hits((n) => (n.config?.tags ?? []).some((t) => re.test(t)));
    case 'path':
      return hits((n) => n.originalFilePath && (n.originalFilePath === value.replace(/\/$/, '') || n.originalFilePath.startsWith(value.replace(/\/?$/, '/')) || re.test(n.originalFilePath)));
    case 'resource_type':
      return hits((n) => n.resourceType === value);
    case 'source':
      return hits((n) => n.resourceType === 'source' && (re.test(n.sourceName) || re.test(`${n.sourceName}.${n.name}`)));
    case 'fqn':
      return hits((n) => re.test(n.fqn?.join('.') ?? '') || re.test(n.name));
    case 'test_type':
      return hits((n) => (value === 'generic' ? n.resourceType === 'test' && !!n.testMetadata : value === 'singular' ? n.resourceType === 'test' && !n.testMetadata : value === 'unit' && n.resourceType === 'unit_test'));
    case 'test_name':
      return hits((n) => n.testMetadata && re.test(n.testMetadata.name));
    case 'state':
      if (value !== 'modified' && !value.startsWith('modified.') && value !== 'new') throw new FakeDbtError(`Runtime Error\n  fake dbt supports state:modified and state:new only, not state:${value}`);
      return stateModified(graph, stateDir);
    case 'package':
      return hits((n) => n.uniqueId.split('.')[1] === value);
    default:
      throw new FakeDbtError(`Runtime Error\n  '${method}' is not a valid method name`);
  }
}

function matchTerm(graph, term, stateDir) {
  const m = /^(@)?(\d*\+)?(.+?)(\+\d*)?$/.exec(term);
  const [, at, up, atom, down] = m;
  const base = matchAtom(graph, atom, stateDir);
  const out = new Set(base);
  for (const id of base) {
    if (up || at) for (const x of closure(id, graph.parents, up && up.length > 1 ? Number(up.slice(0, -1)) : Infinity)) out.add(x);
    if (down || at) for (const x of closure(id, graph.children, down && down.length > 1 ? Number(down.slice(1)) : Infinity)) out.add(x);
    if (at) for (const c of closure(id, graph.children)) for (const x of closure(c, graph.parents)) out.add(x);
  }
  return out;
}

function matchSpec(graph, specs, stateDir) {
  const out = new Set();
  for (const term of specs.flatMap((s) => s.split(/\s+/)).filter(Boolean)) {
    const parts = term.split(',').map((t) => matchTerm(graph, t, stateDir));
    for (const id of parts[0]) if (parts.every((p) => p.has(id))) out.add(id);
  }
  return out;
}

/** The unique_ids a command runs, after selection, exclusion and eager indirect selection of tests. */
export function selectNodes({ graph, select, exclude, stateDir, types }) {
  const chosen = select.length ? matchSpec(graph, select, stateDir) : new Set(graph.all.map((n) => n.uniqueId));
  const excluded = exclude.length ? matchSpec(graph, exclude, stateDir) : new Set();
  if (select.length) {
    for (const n of graph.all) {
      if (n.resourceType === 'test' && (n.dependsOn ?? []).some((p) => chosen.has(p))) chosen.add(n.uniqueId);
      if (n.resourceType === 'unit_test' && chosen.has(`model.${n.uniqueId.split('.')[1]}.${n.model}`)) chosen.add(n.uniqueId);
    }
  }
  return graph.all.filter((n) => chosen.has(n.uniqueId) && !excluded.has(n.uniqueId) && types.has(n.resourceType)).map((n) => n.uniqueId);
}
