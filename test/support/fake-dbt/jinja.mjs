// The little Jinja the dbt test double needs: `{% if %}` blocks on target/var/env_var, `{{ }}`
// expressions in YAML values, and the ref()/source()/config() calls in SQL. Anything it does not
// understand is left as it is (and an unknown `if` condition counts as true).
import YAML from 'yaml';

export class FakeDbtError extends Error {
  constructor(message, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

const UNKNOWN = Symbol('unknown');

/** Splits `text` at `sep` where not inside quotes or brackets. */
export function splitTop(text, sep) {
  const out = [];
  let depth = 0;
  let quote = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Evaluates a small Jinja expression; returns UNKNOWN for anything else. */
export function evalExpr(expr, ctx) {
  let e = expr.trim();
  const filters = splitTop(e, '|');
  if (filters.length > 1) {
    let v = evalExpr(filters[0], ctx);
    for (const f of filters.slice(1).map((x) => x.trim())) {
      if (typeof v !== 'string') break;
      if (f === 'trim') v = v.trim();
      else if (f === 'lower') v = v.toLowerCase();
      else if (f === 'upper') v = v.toUpperCase();
    }
    return v;
  }
  for (const op of [' or ', ' and ']) {
    const parts = splitTop(e, op);
    if (parts.length > 1) {
      const vals = parts.map((p) => evalExpr(p, ctx));
      if (vals.includes(UNKNOWN)) return UNKNOWN;
      return op === ' or ' ? vals.some(Boolean) : vals.every(Boolean);
    }
  }
  if (/^not\s/.test(e)) {
    const v = evalExpr(e.slice(4), ctx);
    return v === UNKNOWN ? UNKNOWN : !v;
  }
  for (const op of ['==', '!=']) {
    const parts = splitTop(e, op);
    if (parts.length === 2) {
      const [a, b] = parts.map((p) => evalExpr(p, ctx));
      if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
      return op === '==' ? a === b : a !== b;
    }
  }
  if (/^(['"]).*\1$/s.test(e)) return e.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (/^(true|True)$/.test(e)) return true;
  if (/^(false|False)$/.test(e)) return false;
  if (/^(none|None)$/.test(e)) return null;
  if (e.startsWith('(') && e.endsWith(')')) return evalExpr(e.slice(1, -1), ctx);
  const attr = /^target\.(\w+)$/.exec(e);
  if (attr) return ctx.target?.[attr[1]] ?? (attr[1] === 'name' ? ctx.targetName : UNKNOWN);
  const call = /^(\w+)\((.*)\)$/s.exec(e);
  if (call) {
    const args = call[2].trim() ? splitTop(call[2], ',').map((a) => evalExpr(a, ctx)) : [];
    if (call[1] === 'env_var') {
      const v = ctx.env?.[args[0]];
      if (v !== undefined) return v;
      if (args.length > 1) return args[1];
      throw new FakeDbtError(`Parsing Error\n  Env var required but not provided: '${args[0]}'`);
    }
    if (call[1] === 'var') {
      if (ctx.vars && args[0] in ctx.vars) return ctx.vars[args[0]];
      if (args.length > 1) return args[1];
      return UNKNOWN;
    }
    if (call[1] === 'doc') return '';
  }
  return UNKNOWN;
}

/** Renders the `{{ }}` parts of a YAML value; a value that is one boolean expression stays boolean. */
export function renderValue(value, ctx) {
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  const whole = /^\s*\{\{(.*)\}\}\s*$/s.exec(value);
  if (whole) {
    const v = evalExpr(whole[1], ctx);
    return v === UNKNOWN ? value : v;
  }
  return value.replace(/\{\{(.*?)\}\}/gs, (m, inner) => {
    const v = evalExpr(inner, ctx);
    return v === UNKNOWN ? m : String(v);
  });
}

/** Keeps only the taken branches of `{% if %}` blocks and drops `{# #}` comments. */
export function renderConditionals(sql, ctx) {
  const text = sql.replace(/\{#.*?#\}/gs, '');
  const tag = /\{%-?\s*(if|elif|else|endif)\b(.*?)-?%\}/gs;
  let out = '';
  let last = 0;
  // Stack of { emitting, taken } for each open if.
  const stack = [];
  const emitting = () => stack.every((s) => s.emitting);
  for (let m; (m = tag.exec(text)); ) {
    if (emitting()) out += text.slice(last, m.index);
    last = m.index + m[0].length;
    const [, kind, rest] = m;
    if (kind === 'if') {
      const v = evalExpr(rest, ctx);
      const on = v === UNKNOWN ? true : Boolean(v);
      stack.push({ emitting: on, taken: on });
    } else if (kind === 'elif') {
      const top = stack[stack.length - 1];
      const v = evalExpr(rest, ctx);
      top.emitting = !top.taken && (v === UNKNOWN ? true : Boolean(v));
      top.taken ||= top.emitting;
    } else if (kind === 'else') {
      const top = stack[stack.length - 1];
      top.emitting = !top.taken;
      top.taken = true;
    } else stack.pop();
  }
  if (emitting()) out += text.slice(last);
  return out;
}

/** ref()/source() calls and `{{ config(...) }}` keyword arguments of rendered SQL. */
export function scanSql(sql) {
  const refs = [];
  for (const m of sql.matchAll(/\bref\(\s*(['"])([^'"]+)\1(?:\s*,\s*(['"])([^'"]+)\3)?\s*\)/g)) refs.push(m[4] ?? m[2]);
  const sources = [];
  for (const m of sql.matchAll(/\bsource\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)/g)) sources.push([m[2], m[4]]);
  const config = {};
  for (const m of sql.matchAll(/\{\{\s*config\((.*?)\)\s*\}\}/gs)) {
    for (const kv of splitTop(m[1], ',')) {
      const eq = kv.indexOf('=');
      if (eq < 0) continue;
      const key = kv.slice(0, eq).trim();
      const raw = kv.slice(eq + 1).trim().replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null');
      try {
        config[key] = YAML.parse(raw);
      } catch {
        config[key] = raw;
      }
    }
  }
  return { refs: [...new Set(refs)], sources, config };
}
