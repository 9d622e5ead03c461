/**
 * The error model carried across IPC: `{ code, message, field? }`, the ContractError services
 * throw, and the mapping of anything thrown (zod, kafkajs, plain errors) to that shape.
 */
import { z } from 'zod'

export const ErrorShape = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
})
export type ErrorShape = z.infer<typeof ErrorShape>

/** Thrown by services; carried across IPC as an ErrorShape. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'ContractError'
  }
  toShape(): ErrorShape {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field }
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorShape }

/**
 * Maps anything thrown to an ErrorShape. Understands ContractError, kafkajs errors (by shape:
 * `type` holds Kafka's error name on protocol errors; `name` tells connection/timeout/SASL
 * errors apart) and zod errors; anything else is INTERNAL.
 */
export function toErrorShape(e: unknown): ErrorShape {
  if (e instanceof ContractError) return e.toShape()
  if (e instanceof z.ZodError) return zodToShape(e)
  const err = e as { name?: string; type?: string; message?: string; code?: string } | undefined
  const message = err?.message ?? String(e)
  if (err && typeof err === 'object') {
    if (err.name === 'ContractError' && typeof err.code === 'string') {
      const field = (err as { field?: unknown }).field
      return typeof field === 'string' ? { code: err.code, message, field } : { code: err.code, message }
    }
    if (typeof err.type === 'string' && /^[A-Z][A-Z0-9_]+$/.test(err.type) && err.type !== 'UNKNOWN') return { code: `KAFKA_${err.type}`, message }
    switch (err.name) {
      case 'KafkaJSConnectionError':
      case 'KafkaJSConnectionClosedError':
      case 'KafkaJSBrokerNotFound':
      case 'KafkaJSNumberOfRetriesExceeded':
      case 'KafkaJSNonRetriableError':
        if (/certificate|SSL|TLS/i.test(message)) return { code: 'TLS', message }
        return { code: 'CONNECTION', message }
      case 'KafkaJSRequestTimeoutError':
        return { code: 'TIMEOUT', message }
      case 'KafkaJSSASLAuthenticationError':
        return { code: 'AUTH', message }
      case 'KafkaJSTopicMetadataNotLoaded':
        return { code: 'NOT_FOUND', message }
    }
  }
  return { code: 'INTERNAL', message }
}

/** The first zod issue as a VALIDATION error naming the offending field path. */
export function zodToShape(e: z.ZodError): ErrorShape {
  const issue = e.issues[0]
  let path = issue ? [...issue.path] : []
  // An unexpected key is named by the key itself.
  if (issue && issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path = [...path, issue.keys[0]]
  const field = path.length ? path.join('.') : undefined
  const message = issue ? `${field ?? 'request'}: ${issue.message}` : 'invalid request'
  return field === undefined ? { code: 'VALIDATION', message } : { code: 'VALIDATION', message, field }
}
