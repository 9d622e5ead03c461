/** Every failure the UI shows has this shape: a machine code, a human message, and the offending field when a form input caused it. */
export interface ApiErrorShape {
  code: string
  message: string
  field?: string
}

export class ApiError extends Error implements ApiErrorShape {
  readonly code: string
  readonly field?: string
  constructor(shape: ApiErrorShape) {
    super(shape.message)
    this.name = 'ApiError'
    this.code = shape.code
    if (shape.field !== undefined) this.field = shape.field
  }
}

function isShape(v: unknown): v is ApiErrorShape {
  return typeof v === 'object' && v !== null && typeof (v as ApiErrorShape).code === 'string' && typeof (v as ApiErrorShape).message === 'string'
}

/** Normalises anything thrown (ApiError, plain {code,message}, Error, string) to ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  if (isShape(e)) return new ApiError(e)
  if (e instanceof Error) {
    // Electron's ipcRenderer.invoke rethrows main-process errors as
    // "Error invoking remote method 'x': Error: message"; a JSON payload may be inside.
    const jsonStart = e.message.indexOf('{')
    if (jsonStart >= 0) {
      try {
        const parsed: unknown = JSON.parse(e.message.slice(jsonStart))
        if (isShape(parsed)) return new ApiError(parsed)
      } catch {
        /* not JSON */
      }
    }
    const msg = e.message.replace(/^Error invoking remote method '[^']*': (Error: )?/, '')
    return new ApiError({ code: 'INTERNAL', message: msg || 'Unexpected error' })
  }
  return new ApiError({ code: 'INTERNAL', message: typeof e === 'string' ? e : 'Unexpected error' })
}

/** One line for a toast: "Message (field: x)". */
export function describeError(e: unknown): string {
  const err = toApiError(e)
  return err.field ? `${err.message} (${err.field})` : err.message
}
