/**
 * Where the real dbt artifacts (written by dbt itself, see SOURCES.md there) live for tests: a copy
 * under `test/fixtures/dbt-artifacts/` when the repository carries one, else the shared fixtures
 * next to the repository.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export const REAL_ARTIFACTS_DIR = [join(REPO_ROOT, 'test/fixtures/dbt-artifacts'), resolve(REPO_ROOT, '../shared/fixtures/dbt-artifacts')].find((d) =>
  existsSync(join(d, 'SOURCES.md')),
) ?? resolve(REPO_ROOT, '../shared/fixtures/dbt-artifacts');

export const realArtifact = (rel: string): string => join(REAL_ARTIFACTS_DIR, rel);
