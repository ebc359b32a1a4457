/**
 * Validates GitHub workflow and action YAML against their published schemas with
 * `@action-validator/core` (Rust compiled to WebAssembly), loaded on first use.
 */
import type { ValidatorState } from '../../core/validate/workflow-checks.js';

type ActionValidator = { validateWorkflow(src: string): ValidatorState; validateAction(src: string): ValidatorState };
let loaded: Promise<ActionValidator> | undefined;

function load(): Promise<ActionValidator> {
  loaded ??= import('@action-validator/core').then((m) => {
    const mod = m as unknown as ActionValidator & { default?: ActionValidator };
    return typeof mod.validateWorkflow === 'function' ? mod : mod.default!;
  });
  return loaded;
}

export async function validateGithubYaml(opts: { kind: 'workflow' | 'action'; text: string }): Promise<ValidatorState> {
  const v = await load();
  return opts.kind === 'workflow' ? v.validateWorkflow(opts.text) : v.validateAction(opts.text);
}
