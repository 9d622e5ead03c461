/**
 * A write, truncate or sync of a log file that failed (ENOSPC, EIO, EDQUOT…). The storage layer
 * throws it after putting the file and its in-memory state back as they were before the
 * operation; the Produce path answers it as Kafka's KAFKA_STORAGE_ERROR (56).
 */
export class StorageError extends Error {
  override readonly name = 'StorageError'
  constructor(
    /** The errno name (ENOSPC, EIO…) or 'SHORT_WRITE' when the kernel wrote nothing. */
    readonly code: string,
    readonly path: string,
    readonly operation: string,
    cause?: unknown,
  ) {
    super(`${operation} ${path} failed: ${code}`, cause === undefined ? undefined : { cause })
  }
}

/** Wraps an fs error (anything with an errno `code`) as a StorageError; other errors pass through. */
export function toStorageError(e: unknown, path: string, operation: string): StorageError | Error {
  if (e instanceof StorageError) return e
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code
    if (typeof code === 'string') return new StorageError(code, path, operation, e)
    return e
  }
  return new Error(String(e))
}
