/**
 * The shapes every step and adapter share: the run context, the logger, step outcomes and results.
 * Pure types: no I/O here.
 */
import type { Redactor } from './redact.js';
import type { DataShipError } from './errors.js';
import type { DataShipConfig } from './config/model.js';
import type { Release } from './release.js';

export type StepStatus = 'changed' | 'unchanged' | 'skipped' | 'failed';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, where?: { file?: string; line?: number; column?: number; title?: string }): void;
  error(message: string, where?: { file?: string; line?: number; column?: number; title?: string }): void;
  /** Opens a collapsible group (GitHub Actions) or a section header (terminal, Jenkins). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** Live progress for long transfers; a no-op where the output is not a TTY. */
  progress(label: string, done: number, total?: number): void;
}

/** What a step returns when it ran. `skipped` always carries a reason. */
export type StepOutcome =
  | { status: 'changed' | 'unchanged'; summary: string; details?: Record<string, unknown> }
  | { status: 'skipped'; reason: string; details?: Record<string, unknown> };

/** One line of a dry-run plan. */
export interface PlanItem {
  action: string;
  target: string;
  detail?: string;
}

export interface StepResult {
  name: string;
  status: StepStatus;
  summary?: string;
  reason?: string;
  startedAt: string;
  durationMs: number;
  details?: Record<string, unknown>;
  error?: ReturnType<DataShipError['toJSON']>;
}

/** A named unit of pipeline work, with a plan (what it would do) and a run (doing it). */
export interface Step {
  name: string;
  /** Runs even when an earlier step failed (report does). */
  always?: boolean;
  plan(ctx: RunContext): Promise<PlanItem[]>;
  run(ctx: RunContext): Promise<StepOutcome>;
}

/** State that steps hand to later steps within one run. */
export interface RunState {
  release?: Release;
  /** The environment this run deploys to or checks, if any. */
  env?: string;
  results: StepResult[];
  /** A person's reason to promote although the gate refuses (recorded with who gave it). */
  gateOverride?: string;
  /** True when the target environment already runs the release: layer steps are no-ops. */
  alreadyCurrent?: boolean;
  /** Free-form facts steps publish for the report (e.g. test counts, the gate decision). */
  facts: Record<string, unknown>;
}

export interface RunContext {
  cwd: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  config: DataShipConfig;
  /** The file the configuration came from (for error locations). */
  configPath: string;
  adapters: import('../adapters/types.js').Adapters;
  dryRun: boolean;
  /** Every backend embedded (`--local`). */
  local: boolean;
  runId: string;
  job: string;
  redactor: Redactor;
  state: RunState;
  /** The person or system that started the run (CI actor, $USER). */
  actor: string;
  /** Resolves a secret reference (`env:NAME`, `ssm:/path`) and registers the value with the redactor. */
  secret(ref: string): Promise<string>;
}
