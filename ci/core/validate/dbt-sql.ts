/**
 * What `validate` reads from dbt SQL files without rendering Jinja: `ref()` and `source()` calls
 * (with the line of each call), tags from `{{ config(tags=…) }}`, and `{% snapshot name %}` blocks.
 * Regular expressions over the raw text; Jinja comments are blanked first so the offsets hold. Pure.
 */
import { columnOf, lineOf } from './problem.js';

export interface DbtCall {
  kind: 'ref' | 'source';
  /** `ref`: the model (or seed/snapshot) name; `source`: the source name. */
  name: string;
  /** `ref('pkg', 'model')`: the package; absent for a one-argument ref. */
  package?: string;
  /** `source('src', 'table')`: the table. */
  table?: string;
  line: number;
  column: number;
}

const CALL = new RegExp(
  String.raw`(?<![\w.])(ref|source)\s*\(\s*(['"])([^'"\n]*)\2\s*(?:,\s*(['"])([^'"\n]*)\4\s*)?(?:,[^)]*)?\)`,
  'g',
);

/** Replaces `{# … #}` comments by spaces of the same length (newlines kept). */
export function blankJinjaComments(text: string): string {
  return text.replace(/\{#[\s\S]*?#\}/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Finds every `ref(…)` and `source(…)` call with string arguments. */
export function findDbtCalls(text: string): DbtCall[] {
  const clean = blankJinjaComments(text);
  const calls: DbtCall[] = [];
  for (const m of clean.matchAll(CALL)) {
    const [, fn, , a, , b] = m;
    const at = m.index ?? 0;
    const pos = { line: lineOf(clean, at), column: columnOf(clean, at) };
    if (fn === 'ref') {
      calls.push(b === undefined ? { kind: 'ref', name: a, ...pos } : { kind: 'ref', name: b, package: a, ...pos });
    } else if (b !== undefined) {
      calls.push({ kind: 'source', name: a, table: b, ...pos });
    } else {
      // source() needs two arguments; keep it so the check can report it.
      calls.push({ kind: 'source', name: a, table: '', ...pos });
    }
  }
  return calls;
}

/** Tags set in `{{ config(tags=['a', 'b']) }}` or `config(tags='a')`. */
export function findConfigTags(text: string): string[] {
  const clean = blankJinjaComments(text);
  const tags: string[] = [];
  for (const m of clean.matchAll(/\bconfig\s*\(([\s\S]*?)\)\s*\}\}/g)) {
    const t = /\btags\s*=\s*(\[[^\]]*\]|(['"])[^'"]*\2)/.exec(m[1]);
    if (!t) continue;
    for (const s of t[1].matchAll(/(['"])([^'"]*)\1/g)) tags.push(s[2]);
  }
  return tags;
}

/** Names of `{% snapshot name %}` blocks, with their lines. */
export function findSnapshots(text: string): { name: string; line: number }[] {
  const clean = blankJinjaComments(text);
  return [...clean.matchAll(/\{%-?\s*snapshot\s+([A-Za-z_][\w]*)\s*-?%\}/g)].map((m) => ({
    name: m[1],
    line: lineOf(clean, m.index ?? 0),
  }));
}
