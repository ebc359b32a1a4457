/**
 * YAML with positions: parses a document keeping a line counter, and maps a path of keys and
 * indexes (or a JSON pointer) to the line and column of the deepest node that exists. Pure.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export interface YamlSource {
  doc: Document;
  lines: LineCounter;
  /** Syntax errors, each with a 1-based line and column. */
  errors: { message: string; line: number; column: number }[];
}

export interface Position {
  line: number;
  column: number;
}

export function parseYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const errors = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return { message: e.message.split('\n')[0], line: pos.line, column: pos.col };
  });
  return { doc, lines, errors };
}

/** Position of the node at `path` (or of its deepest existing ancestor; keys point at the key). */
export function positionOf(src: YamlSource, path: ReadonlyArray<string | number>): Position {
  let node: unknown = src.doc.contents;
  let offset = node && (node as Node).range ? (node as Node).range![0] : 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else break;
  }
  const pos = src.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Position of the value node at `path` (falls back to `positionOf`). */
export function valuePositionOf(src: YamlSource, path: ReadonlyArray<string | number>): Position {
  const node = src.doc.getIn(path as (string | number)[], true) as Node | undefined;
  if (node && typeof node === 'object' && node.range) {
    const pos = src.lines.linePos(node.range[0]);
    return { line: pos.line, column: pos.col };
  }
  return positionOf(src, path);
}

/** Splits a JSON pointer (`/jobs/build/steps/0`) into path segments. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
