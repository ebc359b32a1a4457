// Command line of the dbt test double: dbt's subcommands and flags (unknown flags are refused the
// way click refuses them, exit 2), the project and profile loading, and the artifacts.
//   FAKE_DBT_EXIT=<n>      print an error and exit n before running anything (no artifacts)
//   FAKE_DBT_SLEEP_MS=<ms> wait this long before running (for timeouts)
//   FAKE_DBT_ECHO_ENV=A,B  print these variables' values, as a careless debug log would (redaction tests)
// Test outcomes: see execute.mjs.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';
import { DBT_VERSION, manifestJson, runResultsJson } from './artifacts.mjs';
import { execute } from './execute.mjs';
import { FakeDbtError } from './jinja.mjs';
import { loadProject } from './project.mjs';
import { buildGraph, selectNodes } from './select.mjs';

const VALUE_FLAGS = { '--target': 'target', '-t': 'target', '--project-dir': 'projectDir', '--profiles-dir': 'profilesDir', '--target-path': 'targetPath', '--log-path': 'logPath', '--vars': 'vars', '--state': 'state', '--defer-state': 'state', '--threads': 'threads', '--selector': 'selector', '--log-format': 'logFormat', '--log-level': 'logLevel', '--indirect-selection': 'indirect', '--printer-width': 'printerWidth', '--warn-error-options': 'warnErrorOptions' };
const MULTI_FLAGS = { '--select': 'select', '-s': 'select', '--models': 'select', '-m': 'select', '--exclude': 'exclude', '--resource-type': 'resourceType', '--resource-types': 'resourceType', '--exclude-resource-type': 'excludeResourceType' };
const BOOL_FLAGS = new Set(['--full-refresh', '-f', '--fail-fast', '-x', '--no-fail-fast', '--defer', '--no-defer', '--favor-state', '--use-colors', '--no-use-colors', '--use-colors-file', '--no-use-colors-file', '--debug', '-d', '--quiet', '-q', '--warn-error', '--partial-parse', '--no-partial-parse', '--store-failures', '--empty', '--version-check', '--no-version-check', '--write-json', '--no-write-json', '--send-anonymous-usage-stats', '--no-send-anonymous-usage-stats', '--static-parser', '--no-static-parser', '--introspect', '--no-introspect', '--version', '-v', '--help', '-h']);
/** dbt ≥ 1.5: these subcommands have no --target-path (click refuses it). */
const NO_TARGET_PATH = new Set(['deps', 'debug', 'init']);
const TYPES = {
  build: ['model', 'seed', 'snapshot', 'test', 'unit_test'], run: ['model'], test: ['test', 'unit_test'], seed: ['seed'], snapshot: ['snapshot'],
  compile: ['model', 'test', 'seed', 'snapshot'], generate: ['model', 'test', 'seed', 'snapshot'], list: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source'], ls: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source'], parse: [],
};

function parseArgs(argv) {
  const o = { positional: [], select: [], exclude: [], resourceType: [], excludeResourceType: [], flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (VALUE_FLAGS[name]) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new FakeDbtError(`Error: Option '${name}' requires an argument.`, 2);
      o[VALUE_FLAGS[name]] = v;
      o.flags.add(name);
    } else if (MULTI_FLAGS[name]) {
      const key = MULTI_FLAGS[name];
      if (inline !== undefined) o[key].push(inline);
      while (argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) o[key].push(argv[++i]);
    } else if (BOOL_FLAGS.has(name)) o.flags.add(name);
    else if (a.startsWith('-')) throw new FakeDbtError(`Usage: dbt ${o.positional[0] ?? ''} [OPTIONS]\nTry 'dbt ${o.positional[0] ?? ''} -h' for help.\n\nError: No such option: ${name}`, 2);
    else o.positional.push(a);
  }
  return o;
}

export async function main(argv, env) {
  const lines = [];
  const print = (line) => (lines.push(line), process.stdout.write(`${line}\n`));
  const log = (msg) => print(`${new Date().toISOString().slice(11, 19)}  ${msg}`);
  let logPath;
  try {
    const o = parseArgs(argv);
    if (o.flags.has('--version') || o.flags.has('-v')) {
      print(`Core:\n  - installed: ${DBT_VERSION}\n  - latest:    ${DBT_VERSION} - Up to date!\n\nPlugins:\n  - duckdb: 1.9.1 - Up to date!\n`);
      return 0;
    }
    let command = o.positional[0];
    if (!command) throw new FakeDbtError('Usage: dbt [OPTIONS] COMMAND [ARGS]...\n\nError: Missing command.', 2);
    if (command === 'docs' && o.positional[1] === 'generate') command = 'generate';
    if (o.flags.has('--target-path') && NO_TARGET_PATH.has(command)) throw new FakeDbtError(`Usage: dbt ${command} [OPTIONS]\nTry 'dbt ${command} -h' for help.\n\nError: No such option: --target-path`, 2);
    if (!['deps', 'debug', ...Object.keys(TYPES)].includes(command)) throw new FakeDbtError(`Runtime Error\n  the dbt test double does not implement \`dbt ${o.positional.join(' ')}\``, 2);

    const projectDir = resolve(o.projectDir ?? env.DBT_PROJECT_DIR ?? process.cwd());
    const inProject = (p, d) => (p ? (isAbsolute(p) ? p : resolve(projectDir, p)) : join(projectDir, d));
    logPath = inProject(o.logPath ?? env.DBT_LOG_PATH, 'logs');
    log(`Running with dbt=${DBT_VERSION}`);
    for (const name of (env.FAKE_DBT_ECHO_ENV ?? '').split(',').filter(Boolean)) log(`debug: ${name}=${env[name] ?? ''}`);
    const sleep = Number(env.FAKE_DBT_SLEEP_MS ?? 0);
    if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
    if (env.FAKE_DBT_EXIT) {
      log('Encountered an error:\nInternal Error\n  fake crash planted by FAKE_DBT_EXIT');
      return Number(env.FAKE_DBT_EXIT);
    }
    const profilesDir = resolve(o.profilesDir ?? env.DBT_PROFILES_DIR ?? (existsSync(join(projectDir, 'profiles.yml')) ? projectDir : join(homedir(), '.dbt')));
    const vars = o.vars ? YAML.parse(o.vars) ?? {} : {};
    const project = loadProject({ projectDir, profilesDir, targetName: o.target, vars, env, needProfile: command !== 'deps' });
    project.ctx.projectDir = projectDir;
    if (command === 'deps') {
      const file = join(projectDir, 'packages.yml');
      const pkgs = existsSync(file) ? YAML.parse(readFileSync(file, 'utf8'))?.packages ?? [] : [];
      log(pkgs.length ? `Installing ${pkgs.map((p) => p.package ?? p.git ?? p.local).join(', ')}` : 'Warning: No packages were found in packages.yml');
      return 0;
    }
    log(`Registered adapter: ${project.target.type}=1.9.1`);
    if (command === 'debug') {
      log(`Using profiles dir at ${profilesDir}\n  target: ${project.target.name}\nAll checks passed!`);
      return 0;
    }
    const graph = buildGraph(project);
    const count = (t) => graph.all.filter((n) => n.resourceType === t).length;
    log(`Found ${count('model')} models, ${count('seed')} seeds, ${count('snapshot')} snapshots, ${count('test')} data tests, ${count('unit_test')} unit tests, ${count('source')} sources, ${project.macros.length} macros`);
    const targetPath = inProject(o.targetPath ?? env.DBT_TARGET_PATH ?? project.dbtProject['target-path'], 'target');
    mkdirSync(targetPath, { recursive: true });
    const invocationId = randomUUID();
    const started = Date.now();
    const types = new Set(o.resourceType.length ? o.resourceType : TYPES[command]);
    const ids = selectNodes({ graph, select: o.select, exclude: o.exclude, stateDir: o.state ? resolve(o.state) : null, types });
    const writeManifest = (executedIds) =>
      writeFileSync(join(targetPath, 'manifest.json'), JSON.stringify(manifestJson({ project, graph, invocationId, generatedAt: new Date().toISOString(), executedIds })));
    if (command === 'parse') {
      writeManifest(new Set());
      log('Performance info: ' + join(targetPath, 'perf_info.json'));
      return 0;
    }
    if (command === 'list' || command === 'ls') {
      writeManifest(new Set());
      for (const id of ids) print(graph.byId.get(id).fqn?.join('.') ?? id);
      return 0;
    }
    log('');
    log(`Concurrency: ${project.target.threads} threads (target='${project.target.name}')`);
    log('');
    if (!ids.length) log('Nothing to do. Try checking your model configs and model specification args');
    const results = execute({ project, graph, ids, command, env, print: log });
    const elapsed = (Date.now() - started) / 1000;
    const args = {
      which: command, select: o.select, exclude: o.exclude, selector: o.selector ?? null, target: project.target.name, project_dir: projectDir, profiles_dir: profilesDir,
      target_path: targetPath, log_path: logPath, vars, state: o.state ?? null, full_refresh: o.flags.has('--full-refresh'), fail_fast: o.flags.has('--fail-fast'),
      indirect_selection: o.indirect ?? 'eager', resource_types: o.resourceType, exclude_resource_types: o.excludeResourceType, invocation_command: `dbt ${argv.join(' ')}`,
      send_anonymous_usage_stats: false, write_json: true, partial_parse: !o.flags.has('--no-partial-parse'), use_colors: !o.flags.has('--no-use-colors'),
    };
    const generatedAt = new Date().toISOString();
    writeManifest(new Set(results.filter((r) => r.compiled).map((r) => r.node.uniqueId)));
    writeFileSync(join(targetPath, 'run_results.json'), JSON.stringify(runResultsJson({ project, graph, results, invocationId, generatedAt, elapsed, args }), null, 2));
    if (command === 'generate') writeFileSync(join(targetPath, 'catalog.json'), JSON.stringify({ metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json', dbt_version: DBT_VERSION, generated_at: generatedAt, invocation_id: invocationId, env: {} }, nodes: {}, sources: {}, errors: null }));
    return summarize({ results, elapsed, log, command });
  } catch (err) {
    if (!(err instanceof FakeDbtError)) throw err;
    if (err.message.startsWith('Usage:') || err.message.startsWith('Error:')) process.stderr.write(`${err.message}\n`);
    else log(`Encountered an error:\n${err.message}`);
    return err.exitCode;
  } finally {
    if (logPath) {
      mkdirSync(logPath, { recursive: true });
      appendFileSync(join(logPath, 'dbt.log'), `${lines.join('\n')}\n`);
    }
  }
}

function summarize({ results, elapsed, log, command }) {
  const n = (s) => results.filter((r) => r.status === s).length;
  const bad = results.filter((r) => r.status === 'error' || r.status === 'fail');
  const warned = results.filter((r) => r.status === 'warn');
  log('');
  log(`Finished running ${results.length} nodes in 0 hours 0 minutes and ${elapsed.toFixed(2)} seconds (${elapsed.toFixed(2)}s).`);
  log('');
  if (bad.length || warned.length) {
    log(bad.length ? `Completed with ${bad.length} error${bad.length === 1 ? '' : 's'}, 0 partial successes, and ${warned.length} warning${warned.length === 1 ? '' : 's'}:` : `Completed with ${warned.length} warning${warned.length === 1 ? '' : 's'}:`);
    for (const r of [...bad, ...warned]) {
      log('');
      const what = r.status === 'warn' ? 'Warning in' : r.status === 'fail' ? 'Failure in' : 'Error in';
      log(`${what} ${r.node.resourceType} ${r.node.name} (${r.node.originalFilePath})`);
      log(`  ${r.message}`);
    }
  } else log('Completed successfully');
  log('');
  if (command === 'compile' || command === 'generate') log(`Done.`);
  else log(`Done. PASS=${n('pass') + n('success')} WARN=${n('warn')} ERROR=${n('error') + n('fail')} SKIP=${n('skipped')} NO-OP=${n('no-op')} TOTAL=${results.length}`);
  return bad.length ? 1 : 0;
}
