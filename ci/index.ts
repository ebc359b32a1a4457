/**
 * dataship as a library: the command functions the CLI runs (tests and scripts call them directly),
 * the step building blocks, and the models.
 */
export { runCommand, type CommandOptions, type CommandResult } from './run-command.js';
export { statusCommand } from './status.js';
export { reportCommand } from './report-command.js';
export { stepsFor, JOBS, type JobName } from './jobs.js';
export { runSteps } from './core/engine.js';
export { steps } from './steps/catalogue.js';
export { DataShipError, exitCodeFor, formatError, ERROR_CODES } from './core/errors.js';
export { Redactor } from './core/redact.js';
export { loadConfig, parseConfig } from './core/config/load.js';
export type { DataShipConfig } from './core/config/model.js';
export type { Release, PointerMove } from './core/release.js';
export type { RunRecord, Verdict } from './core/run-record.js';
export type { Step, StepOutcome, StepResult, RunContext, Logger } from './core/types.js';
