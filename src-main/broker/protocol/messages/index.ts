import type { MessageSpec } from '../schema'
import { ApiVersionsRequest, ApiVersionsResponse } from './api-versions'

/** Every declared request/response pair, by API key. */
export const messages: Record<number, { request: MessageSpec; response: MessageSpec }> = {
  18: { request: ApiVersionsRequest, response: ApiVersionsResponse },
}
