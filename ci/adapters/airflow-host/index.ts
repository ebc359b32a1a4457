/** Airflow hosts for DAG bundles: local directory (embedded default), SSH and SSM transports. */
export { createDagHost, type DagHostFromConfig } from './from-config.js';
export { createChannelDagHost, type ChannelDagHostOptions, type DagHostWithClose } from './dag-host.js';
export { createLocalChannel, createLocalDagHost, type LocalChannelOptions } from './local.js';
export { createSshChannel, createSshDagHost, type SshTarget } from './ssh.js';
export { createSsmChannel, createSsmDagHost, type SendClient, type SsmTarget } from './ssm.js';
export { waitForInvocation, type Invocation } from './ssm-wait.js';
export { HOST_SCRIPT, HOST_SCRIPT_SHA256, inlineScriptCommand, shellQuote } from './host-script.js';
export type { HostChannel, HostRun, Payload } from './channel.js';
export { packDagBundle, bundleFiles, type PackedDagBundle } from '../../core/dag-bundle/index.js';
