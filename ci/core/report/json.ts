/**
 * The run record as JSON (`--json`, `result.json`): the record itself, stable key order as built.
 * Pure.
 */
import type { RunRecord } from '../run-record.js';

export function renderJson(opts: { record: RunRecord }): string {
  return `${JSON.stringify(opts.record, null, 2)}\n`;
}
