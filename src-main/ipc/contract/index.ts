/**
 * The IPC contract between the renderer and the main process.
 *
 * One table of channels (name → request schema, response schema) and one table of event streams
 * (name → payload schema). Both the Electron binding (ipcMain.handle + preload) and the web-mode
 * binding (WebSocket) serve the same `Handlers` map through `dispatch()`, so a channel behaves
 * identically in both. This file is imported by the renderer too: it depends on zod only.
 *
 * Conventions
 * - Offsets, counts and timestamps are JSON numbers (integers; timestamps are epoch ms). Kafka
 *   offsets fit well inside 2^53 in practice.
 * - Every request that acts on a cluster names the connection (`connectionId`); the embedded
 *   cluster is the built-in connection with id `EMBEDDED_CONNECTION_ID`.
 * - Errors are `{ code, message, field? }`. Codes: 'VALIDATION' (field names the path),
 *   'NOT_FOUND', 'CONFLICT', 'REFUSED' (an operation refused for a stated reason, e.g. an offset
 *   reset while the group has active members), 'CONNECTION', 'TIMEOUT', 'AUTH', 'TLS',
 *   'CANCELLED', 'UNSUPPORTED', 'KAFKA_<ERROR_NAME>' (Kafka's error name, e.g.
 *   'KAFKA_UNKNOWN_TOPIC_OR_PARTITION'), 'INTERNAL'.
 * - Stability: changes are additive only (new channels, new optional fields).
 *
 * Layout (one file per reason to change): errors.ts (the error model and the mapping of thrown
 * errors to it), one file of schemas per domain (connections, embedded, cluster, topics,
 * messages, produce, groups, offsets, configs, key-distribution, throughput), channels.ts (the
 * channel table), events.ts (the event table) and dispatch.ts (validation and dispatch).
 */
export { EMBEDDED_CONNECTION_ID } from './common'
export * from './errors'
export * from './connections'
export * from './embedded'
export * from './cluster'
export * from './topics'
export * from './messages'
export * from './produce'
export * from './groups'
export * from './offsets'
export * from './configs'
export * from './key-distribution'
export * from './throughput'
export * from './transactions'
export * from './security'
export * from './channels'
export * from './events'
export * from './dispatch'
