import { describe, expect, it } from 'vitest';
import { findConfigTags, findDbtCalls, findSnapshots } from './dbt-sql.js';

describe('findDbtCalls', () => {
  it('finds ref and source calls with their line and column', () => {
    const sql = [
      "{{ config(materialized='table') }}",
      'select *',
      "from {{ ref('stg_a') }} as a",
      'join {{ ref("my_pkg", "stg_b") }} using (id)',
      "join {{ source('raw', 'orders') }} on true join {{ ref('c', v=2) }} on true",
    ].join('\n');
    expect(findDbtCalls(sql)).toEqual([
      { kind: 'ref', name: 'stg_a', line: 3, column: 9 },
      { kind: 'ref', name: 'stg_b', package: 'my_pkg', line: 4, column: 9 },
      { kind: 'source', name: 'raw', table: 'orders', line: 5, column: 9 },
      { kind: 'ref', name: 'c', line: 5, column: 52 },
    ]);
  });

  it('ignores Jinja comments and look-alike names, and keeps offsets after a comment', () => {
    const sql = "{# ref('gone')\n still a comment #}\nselect my_ref('x'), obj.ref('y')\nfrom {{ ref('kept') }}";
    expect(findDbtCalls(sql)).toEqual([{ kind: 'ref', name: 'kept', line: 4, column: 9 }]);
  });

  it('keeps a one-argument source() so the check can report it', () => {
    expect(findDbtCalls("from {{ source('raw') }}")).toEqual([{ kind: 'source', name: 'raw', table: '', line: 1, column: 9 }]);
  });

  it('spans whitespace and newlines inside the call', () => {
    expect(findDbtCalls("{{ source(\n  'raw',\n  'items'\n) }}")).toEqual([{ kind: 'source', name: 'raw', table: 'items', line: 1, column: 4 }]);
  });
});

describe('findConfigTags and findSnapshots', () => {
  it('reads tags from config() as a list or a string', () => {
    expect(findConfigTags("{{ config(materialized='view', tags=['a', \"b\"]) }}\nselect 1")).toEqual(['a', 'b']);
    expect(findConfigTags("{{ config(tags='nightly') }}")).toEqual(['nightly']);
    expect(findConfigTags('select 1')).toEqual([]);
  });

  it('finds snapshot blocks with their lines', () => {
    expect(findSnapshots('\n{% snapshot snp_a %}\nselect 1\n{% endsnapshot %}\n{%- snapshot snp_b -%}')).toEqual([
      { name: 'snp_a', line: 2 },
      { name: 'snp_b', line: 5 },
    ]);
  });
});
