/**
 * Reads what dataship needs from dbt's `manifest.json` (v12 and neighbours, parsed leniently): a
 * node summary, a content digest of the project state, and the `state:modified` comparison used for
 * slim CI. Pure: the caller reads the file.
 */
import { sha256Hex } from '../hash.js';
import { DataShipError } from '../errors.js';
import { parseJsonInput, schemaOf } from './run-results.js';

export interface ManifestNode {
  uniqueId: string;
  resourceType: string;
  name: string;
  originalFilePath: string | null;
  /** `{name: 'sha256' | 'path' | 'none', checksum}`; null when absent. */
  checksum: { name: string; checksum: string } | null;
  dependsOn: { nodes: string[]; macros: string[] };
  testMetadata?: { name: string; kwargs: Record<string, unknown>; namespace?: string | null };
  rawCode: string | null;
  fqn: string[];
  /** `unrendered_config` (what the project says, not what a target resolved it to). */
  unrenderedConfig: Record<string, unknown>;
  /** The node's custom database/schema/alias configs (target-independent). */
  relation: { database: unknown; schema: unknown; alias: unknown };
  contract: { enforced: boolean; checksum: string | null };
}

export interface ParsedManifest {
  schemaVersion: number | null;
  dbtVersion: string | null;
  projectName: string | null;
  adapterType: string | null;
  generatedAt: string | null;
  /** Nodes (models, seeds, snapshots, tests, analyses…), sorted by unique_id. */
  nodes: ManifestNode[];
  /** macro unique_id → sha256 of its SQL and the macros it calls, for `state:modified.macros`. */
  macroDigests: Record<string, string>;
  /** Count of nodes per resource type. */
  counts: Record<string, number>;
  /** sha256 over the sorted (unique_id, checksum) pairs: stable across regenerations of the same content. */
  manifestDigest: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** JSON with sorted object keys, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const HINT = 'Point at the manifest.json dbt wrote into its target path (dbt ≥ 1.5, schema v9–v12).';

export function parseManifest(opts: { json: string | unknown; source?: string }): ParsedManifest {
  const { source } = opts;
  const fail = (message: string) =>
    new DataShipError({
      code: 'EINPUT',
      message: source ? `${source}: ${message}` : message,
      operation: 'parse dbt manifest.json',
      hint: HINT,
      location: source ? { file: source } : undefined,
    });
  const doc = parseJsonInput({ json: opts.json, source, what: 'manifest.json', hint: HINT });
  if (!isObject(doc)) throw fail('not a dbt manifest.json (expected a JSON object)');
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const schema = schemaOf(metadata.dbt_schema_version);
  if (schema && schema.kind !== 'manifest') throw fail(`not a dbt manifest.json: it is a dbt ${schema.kind} v${schema.version} artifact`);
  if (!isObject(doc.nodes)) throw fail('not a dbt manifest.json: it has no nodes{} object');

  const nodes: ManifestNode[] = [];
  const counts: Record<string, number> = {};
  for (const [key, raw] of Object.entries(doc.nodes)) {
    if (!isObject(raw)) throw fail(`nodes["${key}"] is not an object`);
    const uniqueId = str(raw.unique_id) ?? key;
    const resourceType = str(raw.resource_type) ?? uniqueId.split('.')[0];
    const config = isObject(raw.config) ? raw.config : {};
    const contract = isObject(raw.contract) ? raw.contract : {};
    const checksum = isObject(raw.checksum) && typeof raw.checksum.checksum === 'string' ? { name: str(raw.checksum.name) ?? 'unknown', checksum: raw.checksum.checksum } : null;
    const dependsOn = isObject(raw.depends_on) ? raw.depends_on : {};
    const node: ManifestNode = {
      uniqueId,
      resourceType,
      name: str(raw.name) ?? uniqueId.split('.').slice(2).join('.'),
      originalFilePath: str(raw.original_file_path),
      checksum,
      dependsOn: { nodes: strings(dependsOn.nodes), macros: strings(dependsOn.macros) },
      rawCode: str(raw.raw_code) ?? str(raw.raw_sql),
      fqn: strings(raw.fqn),
      unrenderedConfig: isObject(raw.unrendered_config) ? raw.unrendered_config : {},
      relation: { database: config.database ?? null, schema: config.schema ?? null, alias: config.alias ?? null },
      contract: { enforced: contract.enforced === true, checksum: str(contract.checksum) },
    };
    if (isObject(raw.test_metadata) && typeof raw.test_metadata.name === 'string') {
      node.testMetadata = {
        name: raw.test_metadata.name,
        kwargs: isObject(raw.test_metadata.kwargs) ? raw.test_metadata.kwargs : {},
        namespace: str(raw.test_metadata.namespace),
      };
    }
    nodes.push(node);
    counts[resourceType] = (counts[resourceType] ?? 0) + 1;
  }
  nodes.sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));

  const macroDigests = deepMacroDigests(isObject(doc.macros) ? doc.macros : {});

  return {
    schemaVersion: schema?.version ?? null,
    dbtVersion: str(metadata.dbt_version),
    projectName: str(metadata.project_name),
    adapterType: str(metadata.adapter_type),
    generatedAt: str(metadata.generated_at),
    nodes,
    macroDigests,
    counts,
    manifestDigest: manifestDigest({ nodes }),
  };
}

/** macro id → sha256 of its SQL and, recursively, of the macros it calls (cycle-safe). */
function deepMacroDigests(macros: Json): Record<string, string> {
  const out: Record<string, string> = {};
  const visiting = new Set<string>();
  const visit = (id: string): string => {
    if (out[id]) return out[id];
    const m = macros[id];
    if (!isObject(m) || visiting.has(id)) return '';
    visiting.add(id);
    const deps = strings(isObject(m.depends_on) ? m.depends_on.macros : []).sort();
    out[id] = sha256Hex(JSON.stringify([str(m.macro_sql) ?? '', deps.map((d) => [d, visit(d)])]));
    visiting.delete(id);
    return out[id];
  };
  for (const id of Object.keys(macros)) visit(id);
  return out;
}

/**
 * The content checksum of one node. Generic tests carry `checksum: {name: 'none'}`, so their
 * content (test metadata, code and parents) is hashed instead.
 */
export function nodeContentChecksum(node: ManifestNode): string {
  if (node.checksum && node.checksum.name !== 'none' && node.checksum.checksum) return `${node.checksum.name}:${node.checksum.checksum}`;
  return `content:${sha256Hex(canonicalJson({ raw: node.rawCode, test: node.testMetadata ?? null, parents: [...node.dependsOn.nodes].sort() }))}`;
}

/** sha256 over the sorted (unique_id, checksum) pairs. */
export function manifestDigest(opts: { nodes: ManifestNode[] }): string {
  const pairs = opts.nodes.map((n) => [n.uniqueId, nodeContentChecksum(n)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `sha256:${sha256Hex(JSON.stringify(pairs))}`;
}

export type ModifiedReason = 'new' | 'body' | 'configs' | 'fqn' | 'relation' | 'contract' | 'macros';

export interface ModifiedNode {
  uniqueId: string;
  resourceType: string;
  name: string;
  reasons: ModifiedReason[];
}

/** Config keys `state:modified` ignores. */
const IGNORED_CONFIG = new Set(['tags', 'meta', 'docs', 'description']);
const withoutIgnored = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([k]) => !IGNORED_CONFIG.has(k)));

/**
 * Nodes of `current` that dbt's `state:modified` would select against `previous`: new nodes;
 * changed body (checksum, or raw_code where there is no checksum; seeds by checksum only);
 * changed unrendered config (ignoring tags and meta); fqn; custom database/schema/alias; contract;
 * and changed upstream macros (followed transitively). Sorted by unique_id.
 */
export function modifiedNodes(opts: { current: ParsedManifest; previous: ParsedManifest }): ModifiedNode[] {
  const before = new Map(opts.previous.nodes.map((n) => [n.uniqueId, n]));
  const out: ModifiedNode[] = [];
  for (const node of opts.current.nodes) {
    const old = before.get(node.uniqueId);
    const reasons: ModifiedReason[] = [];
    if (!old) reasons.push('new');
    else {
      const hasChecksum = (n: ManifestNode) => !!n.checksum && n.checksum.name !== 'none';
      const bodyChanged =
        node.resourceType === 'seed' || (hasChecksum(node) && hasChecksum(old))
          ? canonicalJson(node.checksum) !== canonicalJson(old.checksum)
          : node.rawCode !== old.rawCode;
      if (bodyChanged) reasons.push('body');
      if (canonicalJson(withoutIgnored(node.unrenderedConfig)) !== canonicalJson(withoutIgnored(old.unrenderedConfig))) reasons.push('configs');
      if (canonicalJson(node.fqn) !== canonicalJson(old.fqn)) reasons.push('fqn');
      if (canonicalJson(node.relation) !== canonicalJson(old.relation)) reasons.push('relation');
      if (node.contract.enforced !== old.contract.enforced || (node.contract.enforced && node.contract.checksum !== old.contract.checksum)) reasons.push('contract');
      const macroChanged = node.dependsOn.macros.some(
        (m) => opts.current.macroDigests[m] !== undefined && opts.previous.macroDigests[m] !== undefined && opts.current.macroDigests[m] !== opts.previous.macroDigests[m],
      );
      if (macroChanged) reasons.push('macros');
    }
    if (reasons.length) out.push({ uniqueId: node.uniqueId, resourceType: node.resourceType, name: node.name, reasons });
  }
  return out;
}
