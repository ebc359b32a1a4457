import { describe, expect, it } from 'vitest';
import { buildDbtIndex } from './dbt-project.js';
import { parseAtom, resolveSelector } from './dbt-selector.js';

const files = {
  'dbt/dbt_project.yml': 'name: shop\nmodels:\n  shop:\n    marts:\n      +tags: ["marts"]\n',
  'dbt/models/staging/shop/_sources.yml': 'sources:\n  - name: shop\n    tables:\n      - name: orders\n      - name: customers\n',
  'dbt/models/staging/shop/stg_shop__orders.sql': "select * from {{ source('shop', 'orders') }}",
  'dbt/models/staging/shop/stg_shop__customers.sql': "select * from {{ source('shop', 'customers') }}",
  'dbt/models/intermediate/int_orders.sql': "{{ config(tags=['hourly']) }}\nselect * from {{ ref('stg_shop__orders') }} join {{ ref('stg_shop__customers') }}",
  'dbt/models/marts/fct_orders.sql': "select * from {{ ref('int_orders') }}",
  'dbt/models/marts/dim_customers.sql': "select * from {{ ref('stg_shop__customers') }} join {{ ref('regions') }}",
  'dbt/models/root_model.sql': 'select 1',
  'dbt/seeds/regions.csv': 'id\n1\n',
  'dbt/snapshots/snp.sql': '{% snapshot snp_customers %}\nselect * from {{ ref("stg_shop__customers") }}\n{% endsnapshot %}',
};
const index = buildDbtIndex({ dir: 'dbt', files: Object.entries(files).map(([path, text]) => ({ path, text })) });

function select(selector: string): string[] | string {
  const results = resolveSelector(index, selector);
  if (results.some((r) => r.status === 'unknown')) return 'unknown';
  const empty = results.find((r) => r.status === 'empty');
  if (empty) return `empty: ${empty.criterion}`;
  return [...new Set(results.flatMap((r) => r.nodes))].sort();
}

describe('dbt selector resolution', () => {
  it('indexes models, seeds, snapshots and sources with fqn and tags', () => {
    expect([...index.nodes.keys()].sort()).toEqual([
      'model.dim_customers',
      'model.fct_orders',
      'model.int_orders',
      'model.root_model',
      'model.stg_shop__customers',
      'model.stg_shop__orders',
      'seed.regions',
      'snapshot.snp_customers',
      'source.shop.customers',
      'source.shop.orders',
    ]);
    expect(index.nodes.get('model.fct_orders')?.fqn).toEqual(['shop', 'marts', 'fct_orders']);
    expect([...index.nodes.get('model.fct_orders')!.tags]).toEqual(['marts']);
    expect([...index.nodes.get('model.int_orders')!.parents].sort()).toEqual(['model.stg_shop__customers', 'model.stg_shop__orders']);
  });

  it('selects by name, with parents and children', () => {
    expect(select('fct_orders')).toEqual(['model.fct_orders']);
    expect(select('+fct_orders')).toEqual(['model.fct_orders', 'model.int_orders', 'model.stg_shop__customers', 'model.stg_shop__orders', 'source.shop.customers', 'source.shop.orders']);
    expect(select('1+fct_orders')).toEqual(['model.fct_orders', 'model.int_orders']);
    expect(select('stg_shop__orders+')).toEqual(['model.fct_orders', 'model.int_orders', 'model.stg_shop__orders']);
    expect(select('stg_shop__orders+1')).toEqual(['model.int_orders', 'model.stg_shop__orders']);
    expect(select('@stg_shop__orders')).toEqual(['model.fct_orders', 'model.int_orders', 'model.stg_shop__customers', 'model.stg_shop__orders', 'source.shop.customers', 'source.shop.orders']);
  });

  it('selects by method: tag, path, source, fqn folder, file, package', () => {
    expect(select('tag:marts')).toEqual(['model.dim_customers', 'model.fct_orders']);
    expect(select('tag:hour*')).toEqual(['model.int_orders']);
    expect(select('path:models/marts')).toEqual(['model.dim_customers', 'model.fct_orders']);
    expect(select('models/staging/shop/stg_shop__orders.sql')).toEqual(['model.stg_shop__orders']);
    expect(select('source:shop.orders+')).toEqual(['model.fct_orders', 'model.int_orders', 'model.stg_shop__orders', 'source.shop.orders']);
    expect(select('source:shop')).toEqual(['source.shop.customers', 'source.shop.orders']);
    expect(select('staging.shop')).toEqual(['model.stg_shop__customers', 'model.stg_shop__orders']);
    expect(select('shop.marts')).toEqual(['model.dim_customers', 'model.fct_orders']);
    expect(select('file:int_orders.sql')).toEqual(['model.int_orders']);
    expect(select('regions')).toEqual(['seed.regions']);
    expect(select('snp_customers')).toEqual(['snapshot.snp_customers']);
    expect(select('package:shop')).toHaveLength(10);
  });

  it('matches a bare wildcard against the whole fqn, as dbt-core does', () => {
    expect(select('root_*')).toEqual(['model.root_model']);
    expect(select('stg_*')).toBe('empty: stg_*');
    expect(select('fqn:*.stg_*')).toEqual(['model.stg_shop__customers', 'model.stg_shop__orders']);
    expect(select('staging.*')).toEqual(['model.stg_shop__customers', 'model.stg_shop__orders']);
  });

  it('unions with spaces, intersects with commas, and names the criterion that selects nothing', () => {
    expect(select('fct_orders dim_customers')).toEqual(['model.dim_customers', 'model.fct_orders']);
    expect(select('tag:marts,+fct_orders')).toEqual(['model.fct_orders']);
    expect(select('tag:hourly,path:models/marts')).toBe('empty: tag:hourly,path:models/marts');
    expect(select('fct_orders fct_order')).toBe('empty: fct_order');
    expect(select('tag:nope')).toBe('empty: tag:nope');
    expect(select('source:shop.payments')).toBe('empty: source:shop.payments');
    expect(select('path:models/mart')).toBe('empty: path:models/mart');
  });

  it('does not judge methods that need a previous run', () => {
    expect(select('state:modified+')).toBe('unknown');
    expect(select('result:error+ fct_orders')).toBe('unknown');
  });

  it('parses graph operators and the default method', () => {
    expect(parseAtom('2+tag:x+3')).toEqual({ at: false, parents: 2, children: 3, method: 'tag', value: 'x' });
    expect(parseAtom('@a')).toEqual({ at: true, parents: undefined, children: undefined, method: 'fqn', value: 'a' });
    expect(parseAtom('models/x+')).toMatchObject({ method: 'path', value: 'models/x', children: Infinity });
    expect(parseAtom('a.sql')).toMatchObject({ method: 'file' });
  });
});
