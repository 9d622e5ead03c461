export * from './batch.js'
export * from './compression.js'
export * from './record.js'
export * from './varint.js'
