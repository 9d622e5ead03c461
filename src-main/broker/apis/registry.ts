import type { BrokerServices } from './broker-services'
import type { RequestHeader } from '../protocol/header'

export interface RequestContext {
  broker: BrokerServices
  header: RequestHeader
  apiVersion: number
  clientId: string | null
  /** host:port of the client, for DescribeGroups and logs. */
  clientAddress: string
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
  handle(request: any, ctx: RequestContext): unknown | Promise<unknown>
}

export function defineApi(def: ApiDefinition): ApiDefinition {
  return def
}
