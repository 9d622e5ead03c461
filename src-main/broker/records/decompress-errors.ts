/** Thrown for unknown codecs and undecodable input (answered as CORRUPT_MESSAGE). */
export class CompressionError extends Error {}

/**
 * Thrown as soon as a batch's records would decompress to more than the limit
 * (message.max.bytes / max.message.bytes); answered as MESSAGE_TOO_LARGE like Kafka's
 * RecordTooLargeException. Decompression stops there, so a bomb costs at most the limit.
 */
export class DecompressedTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`records decompress to more than ${limit} bytes`)
  }
}
