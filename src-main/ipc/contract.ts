/**
 * The IPC contract, kept at this path so the main process, the renderer and the tests import it
 * from one place; its parts live in ./contract/ (see contract/index.ts).
 */
export * from './contract/index'
