/**
 * Parses Terraform files with HashiCorp's HCL parser compiled to WebAssembly (`@cdktf/hcl2json`),
 * loaded on first use. A parse error becomes `{message, line, column}` taken from the parser's
 * `file:line,col-col: summary; detail` text.
 */
import type { TerraformFile } from '../../core/validate/terraform-policy.js';

type Hcl2Json = { parse(filename: string, contents: string): Promise<Record<string, unknown>> };
let loaded: Promise<Hcl2Json> | undefined;

function load(): Promise<Hcl2Json> {
  loaded ??= import('@cdktf/hcl2json').then((m) => {
    const mod = m as unknown as Hcl2Json & { default?: Hcl2Json };
    return typeof mod.parse === 'function' ? mod : mod.default!;
  });
  return loaded;
}

/** `{line, column, message}` from an hcl2json error message. */
export function parseHclError(message: string): { line: number; column?: number; message: string } {
  const m = /:(\d+),(\d+)(?:-\d+(?:,\d+)?)?:\s*([^;\]]*)(?:;\s*([\s\S]*?))?(?=\s+\S+:\d+,\d+|\]?$)/.exec(message);
  if (!m) return { line: 1, message: message.replace(/^parse config:\s*/, '') };
  const detail = m[4]?.trim();
  return { line: Number(m[1]), column: Number(m[2]), message: `${m[3].trim()}${detail ? `: ${detail}` : ''}` };
}

/** Parses one file; `json` on success, `parseError` otherwise. */
export async function parseHcl(opts: { path: string; text: string }): Promise<TerraformFile> {
  const hcl = await load();
  try {
    const json = (await hcl.parse(opts.path, opts.text)) as Record<string, any>;
    return { path: opts.path, text: opts.text, json };
  } catch (err) {
    return { path: opts.path, text: opts.text, parseError: parseHclError(err instanceof Error ? err.message : String(err)) };
  }
}
