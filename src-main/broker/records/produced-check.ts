/**
 * Validation of the batches a producer sent, before the log appends them, with
 * message.max.bytes / max.message.bytes applied to the decompressed size (Kafka answers a batch
 * past it with RecordTooLargeException, MESSAGE_TOO_LARGE).
 *
 * A batch that may decompress to more than INLINE_DECOMPRESS_BYTES (the topic allows large
 * batches), or whose compressed size is INLINE_COMPRESSED_BYTES or more, is checked with the
 * asynchronous decompressors, so one client's bomb or huge batch never holds the event loop
 * every other client shares for more than a short turn. Otherwise the work is bounded by the
 * limit and a small input (about a millisecond) and runs inline.
 */
import {
  RECORDS_OFFSET,
  compressionOf,
  decompressedRecordsLimit,
  splitBatches,
  validateBatch,
  validateBatchFraming,
  validateBatchRecords,
  type BatchError,
} from './batch.js'
import { decompressBoundedAsync, CompressionError, DecompressedTooLarge } from './bounded-decompress.js'

export const INLINE_DECOMPRESS_BYTES = 4 * 1024 * 1024
/** Compressed batches at least this large are also checked off the event loop (they are rare and costly). */
export const INLINE_COMPRESSED_BYTES = 256 * 1024

export interface ProducedLimits {
  /** The topic's max.message.bytes. */
  maxMessageBytes: number
  /** Compacted topics: every record needs a key. */
  requireKeys: boolean
}

/** null when every batch is valid, else the first batch's error. */
export type Verdict = { error: BatchError; message: string } | null

function verdict(error: BatchError | null, limits: ProducedLimits, compacted: boolean): Verdict {
  if (error === null) return null
  if (error === 'MESSAGE_TOO_LARGE') return { error, message: `the records of the batch decompress to more than max.message.bytes (${limits.maxMessageBytes})` }
  if (compacted && error === 'INVALID_RECORD') return { error, message: 'invalid record batch (compacted topics need keys on every record)' }
  return { error, message: `invalid record batch: ${error}` }
}

/** Checks every complete batch of one partition's records: synchronously when cheap, else as a promise. */
export function checkProducedRecords(records: Buffer, limits: ProducedLimits): Verdict | Promise<Verdict> {
  const { batches } = splitBatches(records)
  const options = { requireKeys: limits.requireKeys, maxDecompressedBytes: limits.maxMessageBytes }
  const offloaded: Buffer[] = []
  for (const batch of batches) {
    if (
      compressionOf(batch) !== 0 &&
      (limits.maxMessageBytes > INLINE_DECOMPRESS_BYTES || batch.length >= INLINE_COMPRESSED_BYTES) &&
      batch.length > RECORDS_OFFSET
    ) {
      offloaded.push(batch)
      continue
    }
    const v = verdict(validateBatch(batch, options), limits, limits.requireKeys)
    if (v) return v
  }
  if (offloaded.length === 0) return null
  return (async () => {
    for (const batch of offloaded) {
      const v = verdict(await checkBatchAsync(batch, options), limits, limits.requireKeys)
      if (v) return v
    }
    return null
  })()
}

async function checkBatchAsync(batch: Buffer, options: { requireKeys: boolean; maxDecompressedBytes: number }): Promise<BatchError | null> {
  const framing = validateBatchFraming(batch, options)
  if (framing) return framing
  let data: Buffer
  try {
    data = await decompressBoundedAsync(compressionOf(batch), batch.subarray(RECORDS_OFFSET), decompressedRecordsLimit(options.maxDecompressedBytes))
  } catch (e) {
    if (e instanceof DecompressedTooLarge) return 'MESSAGE_TOO_LARGE'
    if (e instanceof CompressionError) return 'CORRUPT_MESSAGE'
    throw e
  }
  return validateBatchRecords(batch, data, options)
}
