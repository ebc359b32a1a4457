import { describe, expect, it } from 'vitest';
import { runSteps } from './engine.js';
import { DataShipError } from './errors.js';
import type { RunContext, Step } from './types.js';

function ctx(dryRun = false): RunContext {
  return { dryRun, state: { results: [], facts: {} } } as unknown as RunContext;
}
const ok = (name: string, calls: string[]): Step => ({
  name,
  plan: async () => [{ action: 'do', target: name }],
  run: async () => {
    calls.push(name);
    return { status: 'changed', summary: `${name} done` };
  },
});

describe('runSteps', () => {
  it('runs steps in order and records their status and duration', async () => {
    const calls: string[] = [];
    let t = 0;
    const { results } = await runSteps({ steps: [ok('a', calls), ok('b', calls)], ctx: ctx(), now: () => (t += 5) });
    expect(calls).toEqual(['a', 'b']);
    expect(results.map((r) => [r.name, r.status, r.durationMs])).toEqual([['a', 'changed', 5], ['b', 'changed', 5]]);
  });

  it('turns a failure into a result, skips later steps with the reason, and still runs always-steps', async () => {
    const calls: string[] = [];
    const failing: Step = {
      name: 'build',
      plan: async () => [],
      run: async () => {
        throw new DataShipError({ code: 'EREGISTRY', message: 'registry down', hint: 'retry' });
      },
    };
    const report: Step = { ...ok('report', calls), always: true };
    const { results } = await runSteps({ steps: [failing, ok('deploy', calls), report], ctx: ctx() });
    expect(results[0]).toMatchObject({ status: 'failed', error: { code: 'EREGISTRY', step: 'build', hint: 'retry' } });
    expect(results[1]).toMatchObject({ status: 'skipped', reason: 'not run: step build failed' });
    expect(results[2].status).toBe('changed');
    expect(calls).toEqual(['report']);
  });

  it('wraps non-dataship errors as internal errors with the cause message', async () => {
    const bad: Step = { name: 'x', plan: async () => [], run: async () => { throw new TypeError('boom'); } };
    const { results } = await runSteps({ steps: [bad], ctx: ctx() });
    expect(results[0].error).toMatchObject({ code: 'EINTERNAL', message: 'boom', step: 'x' });
  });

  it('runs each step inside a logger group named after it', async () => {
    const groups: string[] = [];
    const c = { ...ctx(), logger: { group: async (title: string, fn: () => Promise<unknown>) => { groups.push(title); return fn(); } } } as unknown as RunContext;
    await runSteps({ steps: [ok('a', []), ok('b', [])], ctx: c });
    expect(groups).toEqual(['a', 'b']);
  });

  it('in a dry run only plans', async () => {
    const calls: string[] = [];
    const { results, plan } = await runSteps({ steps: [ok('a', calls)], ctx: ctx(true) });
    expect(calls).toEqual([]);
    expect(results[0]).toMatchObject({ status: 'skipped', reason: 'dry run: planned only' });
    expect(plan).toEqual([{ step: 'a', items: [{ action: 'do', target: 'a' }] }]);
  });
});
