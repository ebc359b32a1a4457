import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataShipError } from '../errors.js';
import { realArtifact } from '../../../test/support/fake-dbt/real-artifacts.js';
import { canonicalJson, modifiedNodes, parseManifest } from './manifest.js';

const raw = (rel: string) => readFileSync(realArtifact(rel), 'utf8');
const J10 = 'jaffle_shop/manifest.v12.dbt-1.10.json';
const J12 = 'jaffle_shop/manifest.v12.dbt-1.12.json';
const CH = 'clickhouse_group2/manifest.v12.dbt-1.10.json';

/** A deep copy of a real manifest to derive variants from. */
const doc = (rel: string) => JSON.parse(raw(rel));

describe('parseManifest over every real fixture', () => {
  it('jaffle_shop 1.10: 13 models, 27 tests', () => {
    const m = parseManifest({ json: raw(J10), source: J10 });
    expect(m.schemaVersion).toBe(12);
    expect(m.dbtVersion).toBe('1.10.13');
    expect(m.projectName).toBe('jaffle_shop');
    expect(m.adapterType).toBe('duckdb');
    expect(m.counts).toEqual({ model: 13, test: 27 });
    expect(m.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('jaffle_shop 1.12: 13 models, 27 tests, 6 seeds; node summary fields', () => {
    const m = parseManifest({ json: raw(J12) });
    expect(m.counts).toEqual({ model: 13, test: 27, seed: 6 });
    const stg = m.nodes.find((n) => n.uniqueId === 'model.jaffle_shop.stg_products')!;
    expect(stg).toMatchObject({
      resourceType: 'model',
      name: 'stg_products',
      originalFilePath: 'models/staging/stg_products.sql',
      checksum: { name: 'sha256', checksum: 'e5b7c0e2b9f27c6f73adae81f4389ee951f8977ea259297da5046a115ecd05c5' },
      dependsOn: { nodes: ['source.jaffle_shop.ecom.raw_products'], macros: ['macro.jaffle_shop.cents_to_dollars'] },
      fqn: ['jaffle_shop', 'staging', 'stg_products'],
      unrenderedConfig: { materialized: 'view' },
    });
    const test = m.nodes.find((n) => n.uniqueId === 'test.jaffle_shop.not_null_stg_supplies_supply_uuid.515c6eda6d')!;
    expect(test.testMetadata).toEqual({ name: 'not_null', kwargs: { column_name: 'supply_uuid', model: "{{ get_where_subquery(ref('stg_supplies')) }}" }, namespace: null });
    expect(m.nodes.map((n) => n.uniqueId)).toEqual([...m.nodes.map((n) => n.uniqueId)].sort());
    expect(Object.keys(m.macroDigests).length).toBeGreaterThan(600);
  });

  it('clickhouse 1.10: 10 models, 35 tests', () => {
    const m = parseManifest({ json: raw(CH) });
    expect(m.adapterType).toBe('clickhouse');
    expect(m.counts).toEqual({ model: 10, test: 35 });
  });
});

describe('manifestDigest', () => {
  it('is stable across a regeneration that changes no content (metadata, key order, created_at)', () => {
    const a = parseManifest({ json: raw(J12) }).manifestDigest;
    const d = doc(J12);
    d.metadata.generated_at = '2030-01-01T00:00:00Z';
    d.metadata.invocation_id = 'another';
    const reordered: Record<string, unknown> = {};
    for (const k of Object.keys(d.nodes).reverse()) reordered[k] = { ...d.nodes[k], created_at: 1 };
    d.nodes = reordered;
    expect(parseManifest({ json: JSON.stringify(d) }).manifestDigest).toBe(a);
  });

  it('changes when a model checksum changes, and when a generic test (checksum none) changes its kwargs', () => {
    const base = parseManifest({ json: raw(J12) }).manifestDigest;
    const d1 = doc(J12);
    d1.nodes['model.jaffle_shop.orders'].checksum.checksum = '0'.repeat(64);
    expect(parseManifest({ json: d1 }).manifestDigest).not.toBe(base);
    const d2 = doc(J12);
    d2.nodes['test.jaffle_shop.not_null_stg_supplies_supply_uuid.515c6eda6d'].test_metadata.kwargs.column_name = 'other';
    expect(parseManifest({ json: d2 }).manifestDigest).not.toBe(base);
  });

  it('differs between two different projects', () => {
    expect(parseManifest({ json: raw(CH) }).manifestDigest).not.toBe(parseManifest({ json: raw(J10) }).manifestDigest);
  });
});

describe('modifiedNodes (state:modified)', () => {
  const base = parseManifest({ json: raw(J12) });
  const variant = (edit: (d: any) => void) => {
    const d = doc(J12);
    edit(d);
    return modifiedNodes({ current: parseManifest({ json: d }), previous: base });
  };

  it('nothing is modified against itself', () => {
    expect(modifiedNodes({ current: base, previous: parseManifest({ json: raw(J12) }) })).toEqual([]);
  });

  it('real 1.10 → 1.12: every model body changed, seeds are new, tests untouched', () => {
    const mod = modifiedNodes({ current: base, previous: parseManifest({ json: raw(J10) }) });
    expect(mod.filter((m) => m.resourceType === 'model')).toHaveLength(13);
    expect(mod.filter((m) => m.resourceType === 'model').every((m) => m.reasons.includes('body'))).toBe(true);
    expect(mod.filter((m) => m.resourceType === 'seed').map((m) => m.reasons)).toEqual(Array(6).fill(['new']));
    expect(mod.some((m) => m.resourceType === 'test')).toBe(false);
  });

  it('body: a changed raw_code and checksum', () => {
    const mod = variant((d) => {
      const n = d.nodes['model.jaffle_shop.orders'];
      n.raw_code += '\n-- change';
      n.checksum.checksum = 'f'.repeat(64);
    });
    expect(mod).toEqual([{ uniqueId: 'model.jaffle_shop.orders', resourceType: 'model', name: 'orders', reasons: ['body'] }]);
  });

  it('configs: materialization; ignored: tags and meta', () => {
    expect(variant((d) => (d.nodes['model.jaffle_shop.orders'].unrendered_config.materialized = 'view')).map((m) => m.reasons)).toEqual([['configs']]);
    expect(
      variant((d) => {
        d.nodes['model.jaffle_shop.orders'].unrendered_config.tags = ['nightly'];
        d.nodes['model.jaffle_shop.orders'].unrendered_config.meta = { owner: 'x' };
      }),
    ).toEqual([]);
  });

  it('fqn, relation (custom schema/alias) and contract', () => {
    expect(variant((d) => d.nodes['model.jaffle_shop.orders'].fqn.splice(1, 0, 'marts'))[0].reasons).toEqual(['fqn']);
    expect(variant((d) => (d.nodes['model.jaffle_shop.orders'].config.alias = 'orders_v2'))[0].reasons).toEqual(['relation']);
    expect(variant((d) => (d.nodes['model.jaffle_shop.orders'].contract = { enforced: true, checksum: 'abc' }))[0].reasons).toEqual(['contract']);
  });

  it('macros: a change in an upstream macro, followed through the macros it calls', () => {
    const mod = variant((d) => (d.macros['macro.jaffle_shop.default__cents_to_dollars'].macro_sql += ' '));
    const names = mod.map((m) => m.name).sort();
    expect(names).toContain('stg_products');
    expect(mod.every((m) => m.reasons.join() === 'macros')).toBe(true);
  });

  it('seeds compare by checksum only', () => {
    const mod = variant((d) => (d.nodes['seed.jaffle_shop.raw_items'].checksum = { name: 'sha256', checksum: '1'.repeat(64) }));
    expect(mod).toEqual([{ uniqueId: 'seed.jaffle_shop.raw_items', resourceType: 'seed', name: 'raw_items', reasons: ['body'] }]);
  });
});

describe('malformed manifest', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e instanceof DataShipError ? `${e.code}: ${e.message}` : String(e);
    }
    return 'no error';
  };
  it('rejects non-JSON, run_results and missing nodes with EINPUT naming the file', () => {
    expect(code(() => parseManifest({ json: 'nope', source: 'target/manifest.json' }))).toMatch(/^EINPUT: target\/manifest\.json: manifest\.json is not valid JSON/);
    expect(code(() => parseManifest({ json: raw('jaffle_shop/run_results.v4.dbt-1.0.json'), source: 'rr.json' }))).toBe(
      'EINPUT: rr.json: not a dbt manifest.json: it is a dbt run-results v4 artifact',
    );
    expect(code(() => parseManifest({ json: '{"metadata":{}}' }))).toBe('EINPUT: not a dbt manifest.json: it has no nodes{} object');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
