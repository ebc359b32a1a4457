/**
 * Killing a running host script at chosen points. The script prints `phase=<name>` on stderr when
 * DATASHIP_HOST_TRACE=1; phases are grouped into the four stages a deploy goes through, and a kill
 * point is "stage S, fraction f of its measured duration after it began".
 */
import type { ChildProcess } from 'node:child_process';
import { seededRandom } from './random.js';

export { seededRandom };


export const STAGES = ['upload', 'unpack', 'compile', 'switch'] as const;
export type Stage = (typeof STAGES)[number];

/** The stage a host script phase marker belongs to. */
export function stageOf(phase: string): Stage | 'verify-existing' {
  switch (phase) {
    case 'receive':
      return 'upload';
    case 'unpack':
    case 'link':
    case 'verify':
      return 'unpack';
    case 'compile':
      return 'compile';
    default:
      return 'switch'; // commit, switch, switch-rename, switched, prune, done
  }
}

/** Calls `onPhase` with each marker the child prints and the ms since `t0`. */
export function watchPhases(child: ChildProcess, t0: number, onPhase: (phase: string, atMs: number) => void): void {
  let buf = '';
  child.stderr?.on('data', (d: Buffer | string) => {
    buf += String(d);
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('phase=')) onPhase(line.slice(6), performance.now() - t0);
    }
  });
}

/** Kills a detached child's whole process group (the script and whatever it runs). */
export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
