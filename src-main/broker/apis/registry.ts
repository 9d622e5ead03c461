import type { BrokerServices } from './broker-services'
import type { RequestHeader } from '../protocol/header'
import { apiName, declaredVersions, type ApiKeyNumber, type ApiRequest, type ApiResponseInput } from '../protocol/api'
import type { ConnectionSecurity } from '../security/connection-security'

export interface RequestContext {
  broker: BrokerServices
  header: RequestHeader
  apiVersion: number
  clientId: string | null
  /** host:port of the client, for DescribeGroups and logs. */
  clientAddress: string
  /** The connection's listener, principal and SASL state (absent for requests not from a client connection). */
  security?: ConnectionSecurity
  /** The request's size in bytes (producer_byte_rate counts it); absent for requests not from a client connection. */
  requestSize?: number
  /**
   * Set by a handler whose client went over a quota (quotas/broker-quotas.ts): after the answer,
   * which carries it as throttle_time_ms, the connection reads nothing from the client for that long.
   */
  throttleTimeMs?: number
  /**
   * Set by Produce when its records are appended and its answer waits only for the followers
   * (acks=all): the connection may then handle the client's next Produce meanwhile.
   */
  waitsForReplication?: boolean
}

/**
 * One Kafka API as this broker serves it: the version range it advertises in ApiVersions and
 * the handler. A handler returns the response body, or `undefined` when Kafka sends none
 * (Produce with acks=0).
 */
export interface ApiDefinition {
  key: number
  name: string
  minVersion: number
  maxVersion: number
  /** The connection decodes `request` with this API's codec; defineApi gives the handler its type. */
  handle(request: unknown, ctx: RequestContext): unknown | Promise<unknown>
}

/** A handler's answer: the response body, or undefined when Kafka sends none. */
export type ApiAnswer<K extends ApiKeyNumber> = ApiResponseInput<K> | undefined

/** A typed handler of API K: its request and response types come from the API's declarations. */
export interface ApiHandler<K extends ApiKeyNumber> {
  /**
   * Only when this broker serves fewer versions than are declared (say why where it is set):
   * by default it serves every declared version.
   */
  minVersion?: number
  maxVersion?: number
  handle(request: ApiRequest<K>, ctx: RequestContext): ApiAnswer<K> | Promise<ApiAnswer<K>>
}

/** An API served by a typed handler; its name and versions are read from its declarations. */
export function defineApi<K extends ApiKeyNumber>(key: K, handler: ApiHandler<K>): ApiDefinition {
  const declared = declaredVersions(key)
  const minVersion = handler.minVersion ?? declared.min
  const maxVersion = handler.maxVersion ?? declared.max
  const name = apiName(key)
  if (minVersion < declared.min || maxVersion > declared.max || minVersion > maxVersion) {
    throw new Error(`${name}: versions ${minVersion}-${maxVersion} are not within the declared ${declared.min}-${declared.max}`)
  }
  return {
    key,
    name,
    minVersion,
    maxVersion,
    // The connection decoded the request with this API's codec at a version in range.
    handle: (request, ctx) => handler.handle(request as ApiRequest<K>, ctx),
  }
}
