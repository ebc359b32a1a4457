/**
 * Positions in raw HCL text, which HCL-to-JSON conversion loses: the brace pairs of a file (strings
 * and comments skipped; heredoc bodies scanned, so JSON policies inside them have their braces),
 * the innermost block around an offset, top-level blocks with their headers, and line numbers.
 * Pure.
 */
import { lineOf } from './problem.js';

export interface BracePair {
  open: number;
  close: number;
  depth: number;
}

export interface TopBlock {
  /** e.g. `resource "aws_ecr_repository" "releases"`. */
  header: string;
  /** `resource`, `data`, `module`, … */
  type: string;
  labels: string[];
  /** Offset of the header's first character and of the closing brace. */
  start: number;
  end: number;
  line: number;
}

/** Every `{ }` pair in the text, outermost first. */
export function bracePairs(text: string): BracePair[] {
  const pairs: BracePair[] = [];
  const stack: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '#' || (c === '/' && next === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (c === '"') {
      i++;
      let interp = 0;
      while (i < text.length) {
        if (text[i] === '\\') i += 2;
        else if (text[i] === '$' && text[i + 1] === '{') (interp++, (i += 2));
        else if (text[i] === '}' && interp > 0) (interp--, i++);
        else if (text[i] === '"' && interp === 0) break;
        else if (text[i] === '\n' && interp === 0) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === '{') stack.push(i);
    else if (c === '}' && stack.length) {
      const open = stack.pop()!;
      pairs.push({ open, close: i, depth: stack.length });
    }
    i++;
  }
  return pairs.sort((a, b) => a.open - b.open);
}

/** The innermost brace pair containing an offset. */
export function enclosingPair(pairs: BracePair[], offset: number): BracePair | undefined {
  let best: BracePair | undefined;
  for (const p of pairs) if (p.open < offset && offset < p.close && (!best || p.depth > best.depth)) best = p;
  return best;
}

/** Top-level blocks (`resource "t" "n" {`, `data …`, `module "m" {`, `locals {`, …). */
export function topBlocks(text: string, pairs = bracePairs(text)): TopBlock[] {
  return pairs
    .filter((p) => p.depth === 0)
    .map((p) => {
      const lineStart = text.lastIndexOf('\n', p.open - 1) + 1;
      const header = text.slice(lineStart, p.open).trim();
      const [type = '', ...rest] = header.split(/\s+/);
      const labels = rest.map((l) => l.replace(/^"|"$/g, ''));
      return { header, type, labels, start: lineStart, end: p.close, line: lineOf(text, lineStart) };
    });
}

/** The top-level block `type "label0" "label1"`. */
export function findTopBlock(blocks: TopBlock[], type: string, ...labels: string[]): TopBlock | undefined {
  return blocks.find((b) => b.type === type && labels.every((l, i) => b.labels[i] === l));
}

/** Offset of the first `name =` attribute inside [start, end), or -1. */
export function attributeOffset(text: string, start: number, end: number, name: string): number {
  const re = new RegExp(`(^|[\\s{])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*[=:]`, 'gm');
  re.lastIndex = start;
  const m = re.exec(text);
  return m && m.index < end ? m.index + m[1].length : -1;
}

/** The string literals of an HCL/JSON value (`"a"` or `["a", "b"]`) starting at an offset. */
export function stringsAt(text: string, offset: number): { value: string; offset: number }[] {
  const rest = text.slice(offset);
  const m = /^\s*(\[[\s\S]*?\]|"(?:[^"\\]|\\.)*")/.exec(rest);
  if (!m) return [];
  const base = offset + m.index + m[0].length - m[1].length;
  return [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => ({ value: s[1], offset: base + (s.index ?? 0) }));
}
