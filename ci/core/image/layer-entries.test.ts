import { describe, expect, it } from 'vitest';
import { isExcludedProjectPath, planLayerEntries, type ProjectFile } from './layer-entries.js';

const file = (path: string, extra: Partial<ProjectFile> = {}): ProjectFile => ({ path, type: 'file', size: 1, executable: false, ...extra });

describe('isExcludedProjectPath', () => {
  it('excludes dbt build output at the top and junk anywhere', () => {
    for (const p of ['target/manifest.json', 'dbt_packages/x/y.sql', 'logs/dbt.log', '.user.yml', 'models/.git/x', 'a/__pycache__/m.pyc', 'm.pyc', 'models/.wh.x'])
      expect(isExcludedProjectPath(p)).toBe(true);
  });
  it('keeps sources, including directories merely named like output below the top', () => {
    for (const p of ['models/target/x.sql', 'dbt_project.yml', 'macros/logs.sql', 'seeds/a.csv']) expect(isExcludedProjectPath(p)).toBe(false);
  });
});

describe('planLayerEntries', () => {
  it('puts the prefix directories and the opaque whiteout first, then parents before children in byte order', () => {
    const names = planLayerEntries({ files: [file('models/b.sql'), file('Z.yml'), file('models/a-b.sql'), file('models/a/x.sql'), file('target/x')] }).map((e) => e.name);
    expect(names).toEqual(['app/', 'app/dbt/', 'app/dbt/.wh..wh..opq', 'app/dbt/Z.yml', 'app/dbt/models/', 'app/dbt/models/a-b.sql', 'app/dbt/models/a/', 'app/dbt/models/a/x.sql', 'app/dbt/models/b.sql']);
  });
  it('normalises modes: 755 for directories and executables, 644 for files, 777 for links', () => {
    const es = planLayerEntries({ files: [file('run.sh', { executable: true }), file('a.sql'), file('l', { type: 'symlink', linkname: 'a.sql', size: 0 })] });
    const mode = (n: string) => es.find((e) => e.name === `app/dbt/${n}`)!.mode;
    expect(mode('run.sh')).toBe(0o755);
    expect(mode('a.sql')).toBe(0o644);
    expect(mode('l')).toBe(0o777);
    expect(es.find((e) => e.name === 'app/dbt/l')!.linkname).toBe('a.sql');
  });
  it('is the same whatever order the files were found in', () => {
    const fs = [file('b/c.sql'), file('a.sql'), file('b/a.sql')];
    expect(planLayerEntries({ files: fs })).toEqual(planLayerEntries({ files: [...fs].reverse() }));
  });
  it('honours another prefix', () => {
    expect(planLayerEntries({ files: [file('x')], prefix: '/srv/project/' }).map((e) => e.name)).toEqual(['srv/', 'srv/project/', 'srv/project/.wh..wh..opq', 'srv/project/x']);
  });
  it('refuses duplicate names', () => {
    expect(() => planLayerEntries({ files: [file('a'), file('a')] })).toThrow(/duplicate/);
  });
});
