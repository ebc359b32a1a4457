/**
 * The dbt rules of `validate`, over a static project index: every ref() and source() resolves,
 * every model has a primary-key test (unique and not_null on one column), properties entries name
 * models that exist, and model names follow the layer conventions. Pure.
 */
import { didYouMean } from '../did-you-mean.js';
import type { DbtIndex } from './dbt-project.js';
import { problem, type ValidateProblem } from './problem.js';

/** Layer folders (first folder under a model path) and the names they require. */
export const LAYERS = [
  { dir: 'staging', pattern: /^stg_[a-z0-9]+(?:_[a-z0-9]+)*__[a-z0-9]+(?:_[a-z0-9]+)*$/, expected: 'stg_<source>__<entity>', prefix: /^stg_/ },
  { dir: 'intermediate', pattern: /^int_[a-z0-9_]+$/, expected: 'int_<name>', prefix: /^int_/ },
  { dir: 'marts', pattern: /^(fct|dim)_[a-z0-9_]+$/, expected: 'fct_<name> or dim_<name>', prefix: /^(fct|dim)_/ },
] as const;

export function checkRefs(index: DbtIndex): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const refable = [...index.nodes.values()].filter((n) => n.type !== 'source');
  const names = new Set(refable.map((n) => n.name));
  const sources = [...index.nodes.values()].filter((n) => n.type === 'source');
  for (const { file, calls } of index.sqlCalls) {
    for (const c of calls) {
      const at = { kind: 'dbt' as const, file, line: c.line, column: c.column };
      if (c.kind === 'ref') {
        if (c.package && c.package !== index.projectName) {
          if (!index.packages.has(c.package)) {
            out.push(problem({ ...at, rule: 'dbt/ref-resolves', message: `ref('${c.package}', '${c.name}'): package '${c.package}' is not declared in packages.yml` }));
          }
          continue;
        }
        if (!names.has(c.name)) {
          const guess = didYouMean(c.name, names);
          out.push(problem({ ...at, rule: 'dbt/ref-resolves', message: `ref('${c.name}') does not resolve to a model, seed or snapshot`, hint: guess ? `did you mean '${guess}'?` : undefined }));
        }
      } else if (!c.table) {
        out.push(problem({ ...at, rule: 'dbt/source-resolves', message: `source('${c.name}') needs a source name and a table name` }));
      } else if (!index.nodes.has(`source.${c.name}.${c.table}`) && !index.incomplete) {
        const known = sources.map((s) => `${s.sourceName}.${s.name}`);
        const guess = didYouMean(`${c.name}.${c.table}`, known);
        const sourceExists = sources.some((s) => s.sourceName === c.name);
        out.push(
          problem({
            ...at,
            rule: 'dbt/source-resolves',
            message: sourceExists
              ? `source('${c.name}', '${c.table}'): source '${c.name}' has no table '${c.table}'`
              : `source('${c.name}', '${c.table}'): no source named '${c.name}' is declared`,
            hint: guess ? `did you mean '${guess}'?` : undefined,
          }),
        );
      }
    }
  }
  return out;
}

export function checkPrimaryKeys(index: DbtIndex): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  for (const n of index.nodes.values()) {
    if (n.type !== 'model') continue;
    const props = index.modelProperties.get(n.name);
    if (!props) {
      if (index.incomplete) continue; // its entry may be in the file that does not parse
      out.push(
        problem({
          kind: 'dbt',
          rule: 'dbt/primary-key-test',
          message: `model '${n.name}' has no properties entry, so no primary-key test`,
          file: n.file,
          line: 1,
          hint: 'declare it in a .yml file with unique and not_null tests on its key column',
        }),
      );
      continue;
    }
    const pk = [...props.columnTests.values()].some((tests) => tests.has('unique') && tests.has('not_null'));
    if (!pk) {
      out.push(
        problem({
          kind: 'dbt',
          rule: 'dbt/primary-key-test',
          message: `model '${n.name}' has no primary-key test (unique and not_null on one column)`,
          file: props.file,
          line: props.line,
        }),
      );
    }
  }
  return out;
}

export function checkPropertiesNameModels(index: DbtIndex): ValidateProblem[] {
  const models = [...index.nodes.values()].filter((n) => n.type === 'model').map((n) => n.name);
  const known = new Set(models);
  return [...index.modelProperties.values()]
    .filter((p) => !known.has(p.name))
    .map((p) => {
      const guess = didYouMean(p.name, models);
      return problem({
        kind: 'dbt',
        rule: 'dbt/properties-model-exists',
        message: `properties entry for model '${p.name}', which does not exist (its tests would never run)`,
        file: p.file,
        line: p.line,
        hint: guess ? `did you mean '${guess}'?` : undefined,
      });
    });
}

export function checkNaming(index: DbtIndex): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  for (const n of index.nodes.values()) {
    if (n.type !== 'model') continue;
    const root = index.modelPaths.find((p) => n.projectPath.startsWith(`${p}/`));
    const layerDir = root ? n.projectPath.slice(root.length + 1).split('/')[0] : undefined;
    const layer = LAYERS.find((l) => l.dir === layerDir && n.projectPath.split('/').length > 2);
    const at = { kind: 'dbt' as const, rule: 'dbt/model-naming', file: n.file, line: 1 };
    if (layer && !layer.pattern.test(n.name)) {
      out.push(problem({ ...at, message: `model '${n.name}' is in ${root}/${layer.dir} but is not named ${layer.expected}` }));
      continue;
    }
    const wrongPlace = LAYERS.find((l) => l.prefix.test(n.name) && l.dir !== layerDir);
    if (wrongPlace) out.push(problem({ ...at, message: `model '${n.name}' is named like a ${wrongPlace.dir} model but lives outside ${root ?? 'models'}/${wrongPlace.dir}` }));
  }
  return out;
}

/**
 * Every pure dbt rule (the index's own YAML problems included). While some YAML does not parse,
 * missing sources and missing properties entries are not reported: they may be in that file.
 */
export function checkDbtProject(index: DbtIndex): ValidateProblem[] {
  return [...index.problems, ...checkRefs(index), ...checkPrimaryKeys(index), ...checkPropertiesNameModels(index), ...checkNaming(index)];
}
