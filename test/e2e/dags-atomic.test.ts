/**
 * Atomic under kills: the real host script is SIGKILLed (with everything it runs) at 200 seeded
 * random points spread over the four stages of a deploy — upload, unpack, compile, switch — in
 * both delta and full mode. After every kill, the DAG folder reached through `current` must be
 * exactly the old release or exactly the new one, every directory under releases/ must be a
 * complete release, and a deploy run afterwards must complete.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDagHost } from '../../ci/adapters/airflow-host/local.js';
import { packDagBundle, parseManifest, type PackedDagBundle } from '../../ci/core/dag-bundle/index.js';
import { dagFolder, hashTree, manifestHashes, memoryLogger, writeTree } from '../support/dag-fixtures.js';
import { killGroup, seededRandom, stageOf, STAGES, watchPhases, type Stage } from '../support/kill-points.js';

const KILLS = 200;
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
let work: string;
let root: string;
const versions: PackedDagBundle[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dags-kill-'));
  root = join(work, 'host');
  // Three versions of a 30-file DAG folder; each differs from the others in a third of its DAGs.
  for (let v = 0; v < 3; v++) {
    const dir = join(work, `v${v}`);
    writeTree(dir, dagFolder({ count: 30, tasks: 40, variant: (i) => (i % 3 === v ? v + 1 : 0) }));
    versions.push(await packDagBundle({ dir, outDir: join(work, 'bundles') }));
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Mode = 'delta' | 'full';
const logger = memoryLogger();
function host(mode: Mode, onSpawn?: (c: ChildProcess) => void) {
  return createLocalDagHost({ root, logger, python, trace: true, delta: mode === 'delta', onSpawn });
}

/** Every directory under releases/ is complete: it hashes exactly to its own manifest. */
function assertReleasesComplete(): void {
  for (const d of readdirSync(join(root, 'releases'))) {
    const m = parseManifest(readFileSync(join(root, 'manifests', d), 'utf8'));
    expect(hashTree(join(root, 'releases', d)), `releases/${d}`).toEqual(manifestHashes(m));
  }
}

describe('DAG deploy under SIGKILL', () => {
  it(`leaves current exactly old or exactly new after ${KILLS} kills, and the next deploy completes`, async () => {
    // Calibrate: how long each stage takes, per mode.
    const durations: Record<Mode, Record<Stage, number[]>> = { delta: { upload: [], unpack: [], compile: [], switch: [] }, full: { upload: [], unpack: [], compile: [], switch: [] } };
    await host('full').deploy({ bundle: versions[0], keep: 2 });
    for (let i = 0; i < 6; i++) {
      const mode: Mode = i % 2 ? 'full' : 'delta';
      let t0 = 0;
      const starts: Array<[Stage, number]> = [];
      let end = 0;
      await host(mode, (c) => {
        t0 = performance.now();
        watchPhases(c, t0, (phase, at) => {
          const s = stageOf(phase);
          if (s !== 'verify-existing' && !starts.some(([x]) => x === s)) starts.push([s, at]);
        });
        c.on('close', () => (end = performance.now() - t0));
      }).deploy({ bundle: versions[(i + 1) % 3], keep: 2 });
      starts.forEach(([s, at], k) => durations[mode][s].push((starts[k + 1]?.[1] ?? end) - at));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 1;
    const window = (mode: Mode, s: Stage) => Math.max(1, median(durations[mode][s]));

    const rnd = seededRandom(20240505);
    const landed: Record<string, number> = {};
    const byPhase: Record<string, number> = {};
    const outcomes = { old: 0, new: 0 };
    // Bring the host to a known state: versions[0] live.
    await host('full').deploy({ bundle: versions[0], keep: 2 });
    let current = versions[0];
    const started = performance.now();
    for (let i = 0; i < KILLS; i++) {
      const mode: Mode = i % 2 ? 'full' : 'delta';
      const stage = STAGES[Math.floor(i / 2) % 4];
      const frac = rnd();
      const target = versions[(versions.indexOf(current) + 1) % 3];
      let lastPhase = 'none';
      let killedIn: string | null = null;
      let timer: NodeJS.Timeout | undefined;
      const attempt = host(mode, (c) => {
        const t0 = performance.now();
        let armed = false;
        watchPhases(c, t0, (phase) => {
          lastPhase = phase;
          if (armed || stageOf(phase) !== stage) return;
          armed = true;
          const kill = () => {
            if (c.exitCode !== null || c.signalCode !== null) return;
            killedIn = lastPhase;
            killGroup(c);
          };
          const delay = frac * window(mode, stage);
          if (delay < 0.5) kill();
          else timer = setTimeout(kill, delay);
        });
        c.on('close', () => clearTimeout(timer));
      })
        .deploy({ bundle: target, keep: 2 })
        .then(
          () => 'completed',
          (e: Error) => e.message,
        );
      const result = await attempt;
      if (killedIn === null) expect(result, `iteration ${i}: not killed, so it must complete`).toBe('completed');
      const key = killedIn === null ? 'not killed (finished first)' : stageOf(killedIn);
      landed[key] = (landed[key] ?? 0) + 1;
      if (killedIn) byPhase[killedIn] = (byPhase[killedIn] ?? 0) + 1;

      const live = hashTree(join(root, 'current'));
      const isOld = JSON.stringify(live) === JSON.stringify(manifestHashes(current.manifest));
      const isNew = JSON.stringify(live) === JSON.stringify(manifestHashes(target.manifest));
      expect(isOld || isNew, `iteration ${i}: killed in ${killedIn}, current is a mix`).toBe(true);
      outcomes[isNew ? 'new' : 'old']++;

      const rerun = await host(mode).deploy({ bundle: target, keep: 2 });
      expect(['changed', 'unchanged']).toContain(rerun.status);
      expect(hashTree(join(root, 'current'))).toEqual(manifestHashes(target.manifest));
      assertReleasesComplete();
      current = target;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`kill test: ${KILLS} kills in ${seconds}s; landed by stage ${JSON.stringify(landed)}, by last phase marker ${JSON.stringify(byPhase)}; current after kill ${JSON.stringify(outcomes)}; stage windows ms ${JSON.stringify(Object.fromEntries((['delta', 'full'] as Mode[]).map((m) => [m, Object.fromEntries(STAGES.map((s) => [s, Number(window(m, s).toFixed(1))]))])))}`);
    for (const s of STAGES) expect(landed[s] ?? 0, `kills that landed in ${s}`).toBeGreaterThanOrEqual(10);
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
  });
});
