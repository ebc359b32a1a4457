/**
 * `${VAR}` and `${VAR:-default}` interpolation in configuration strings. `$${` escapes a literal `${`.
 * Pure: the environment is passed in.
 */
export interface InterpolationResult {
  value: string;
  /** Variables referenced but unset and without a default. */
  missing: string[];
}

const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(opts: { text: string; env: Record<string, string | undefined> }): InterpolationResult {
  const missing: string[] = [];
  const value = opts.text.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    const v = opts.env[name!];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    missing.push(name!);
    return match;
  });
  return { value, missing };
}
