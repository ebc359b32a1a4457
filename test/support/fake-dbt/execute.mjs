// Runs the selected nodes of the test double in DAG order, the way `dbt build` does: tests right
// after the node they test, descendants of an error (or of a failing test, in build) skipped, and
// dbt's console lines. Outcomes come from the knobs in the environment:
//   FAKE_DBT_FAIL_TESTS=a,b:7   tests whose name contains `a` or `b` fail (failures 3, or 7)
//   FAKE_DBT_WARN_TESTS=c       tests whose name contains `c` warn
//   FAKE_DBT_ERROR_MODELS=m     models/seeds/snapshots whose name contains `m` error
const knob = (env, name) =>
  (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(.*?)(?::(\d+))?$/.exec(s);
      return { sub: m[1], failures: m[2] ? Number(m[2]) : 3 };
    });
const hit = (list, name) => list.find((k) => name.includes(k.sub));

const TEST_TYPES = new Set(['test', 'unit_test']);

/** Order: Kahn's algorithm over the run set, tests first whenever they are ready. */
function order({ graph, ids }) {
  const inRun = new Set(ids);
  const execParents = new Map();
  for (const id of ids) {
    const n = graph.byId.get(id);
    let ps = (graph.parents.get(id) ?? []).filter((p) => inRun.has(p));
    if (n.resourceType === 'unit_test') {
      const model = `model.${id.split('.')[1]}.${n.model}`;
      ps = (graph.parents.get(model) ?? []).filter((p) => inRun.has(p));
    }
    if (n.resourceType === 'model') ps = [...ps, ...ids.filter((u) => graph.byId.get(u).resourceType === 'unit_test' && graph.byId.get(u).model === n.name)];
    execParents.set(id, ps);
  }
  const done = new Set();
  const out = [];
  while (out.length < ids.length) {
    const ready = ids.filter((id) => !done.has(id) && execParents.get(id).every((p) => done.has(p)));
    if (!ready.length) throw new Error('cycle in the DAG');
    const tests = ready.filter((id) => TEST_TYPES.has(graph.byId.get(id).resourceType));
    const next = tests.length ? tests : ready;
    for (const id of next) (done.add(id), out.push(id));
  }
  return { sequence: out, execParents };
}

const dots = (label, tag) => `${label} ${'.'.repeat(Math.max(3, 64 - label.length))} ${tag}`;

export function execute({ project, graph, ids, command, env, print }) {
  const fails = knob(env, 'FAKE_DBT_FAIL_TESTS');
  const warns = knob(env, 'FAKE_DBT_WARN_TESTS');
  const errors = knob(env, 'FAKE_DBT_ERROR_MODELS');
  const { sequence, execParents } = order({ graph, ids });
  const status = new Map();
  const blocked = new Set();
  const results = [];
  const total = sequence.length;
  const onlyCompile = command === 'compile' || command === 'generate';

  sequence.forEach((id, i) => {
    const node = graph.byId.get(id);
    const isTest = TEST_TYPES.has(node.resourceType);
    const kind = isTest ? (node.resourceType === 'unit_test' ? 'unit_test' : 'test') : `sql ${node.config?.materialized ?? node.resourceType} model`;
    const rel = `${node.schema ?? ''}.${node.alias ?? node.name}`;
    const label = isTest ? `${kind} ${node.name}` : node.resourceType === 'seed' ? `seed file ${rel}` : node.resourceType === 'snapshot' ? `snapshot ${rel}` : `${kind} ${rel}`;
    const prefix = `${i + 1} of ${total}`;
    const start = new Date();
    const r = { node, status: 'success', message: null, failures: null, adapterResponse: {}, timing: [], executionTime: 0, compiled: true };
    const upstreamBad = execParents.get(id).some((p) => ['error', 'fail', 'skipped'].includes(status.get(p)));
    if (!onlyCompile && (blocked.has(id) || upstreamBad)) {
      r.status = 'skipped';
      r.compiled = false;
      print(`${prefix} SKIP ${isTest ? label : `relation ${rel}`} ${'.'.repeat(20)} [SKIP]`);
    } else {
      if (!onlyCompile) print(`${prefix} START ${dots(label, '[RUN]')}`);
      if (onlyCompile) {
        r.status = 'success';
      } else if (isTest) {
        const f = hit(fails, node.name);
        const w = hit(warns, node.name);
        if (f && node.config?.severity !== 'WARN') Object.assign(r, { status: 'fail', failures: f.failures, message: `Got ${f.failures} result${f.failures === 1 ? '' : 's'}, configured to fail if != 0` });
        else if (f || w) Object.assign(r, { status: 'warn', failures: (f ?? w).failures, message: `Got ${(f ?? w).failures} result${(f ?? w).failures === 1 ? '' : 's'}, configured to warn if != 0` });
        else Object.assign(r, { status: 'pass', failures: 0 });
        r.adapterResponse = { _message: 'OK' };
      } else if (hit(errors, node.name)) {
        Object.assign(r, { status: 'error', message: `Runtime Error in ${node.resourceType} ${node.name} (${node.originalFilePath})\n  Database Error: fake failure planted by FAKE_DBT_ERROR_MODELS` });
      } else if (node.resourceType === 'seed') {
        Object.assign(r, { message: `INSERT ${node.rows}`, adapterResponse: { _message: `INSERT ${node.rows}`, code: 'INSERT', rows_affected: node.rows } });
      } else {
        Object.assign(r, { message: 'OK', adapterResponse: { _message: 'OK' } });
      }
      const compiledAt = new Date();
      const end = new Date(Math.max(Date.now(), compiledAt.getTime() + 1));
      r.timing = [
        { name: 'compile', started_at: start.toISOString(), completed_at: compiledAt.toISOString() },
        { name: 'execute', started_at: compiledAt.toISOString(), completed_at: end.toISOString() },
      ];
      r.executionTime = (end.getTime() - start.getTime()) / 1000;
      const secs = `${r.executionTime.toFixed(2)}s`;
      if (!onlyCompile) {
        const line = {
          pass: `PASS ${node.name}`, fail: `FAIL ${r.failures} ${node.name}`, warn: `WARN ${r.failures} ${node.name}`,
          error: `ERROR creating ${label}`, success: `OK ${node.resourceType === 'seed' ? `loaded ${label}` : `created ${label}`}`,
        }[r.status];
        const tag = { pass: 'PASS', fail: `FAIL ${r.failures}`, warn: `WARN ${r.failures}`, error: 'ERROR', success: r.message ?? 'OK' }[r.status];
        print(`${prefix} ${dots(line, `[${tag} in ${secs}]`)}`);
      }
    }
    status.set(id, r.status);
    // In `build`, a failing test stops everything built on the node it tests.
    if (command === 'build' && isTest && (r.status === 'fail' || r.status === 'error')) {
      for (const p of graph.parents.get(id) ?? []) for (const c of graph.children.get(p) ?? []) if (!TEST_TYPES.has(graph.byId.get(c)?.resourceType)) blocked.add(c);
    }
    results.push(r);
  });
  return results;
}
