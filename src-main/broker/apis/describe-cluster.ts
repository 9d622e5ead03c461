import { endpointOn } from '../server/listeners'
import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { controllerListenerOf } from '../process/quorum-info'

const NO_OPERATIONS = -2147483648
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE: what Kafka reports without an authorizer. */
const ALL_CLUSTER_OPERATIONS = 8096
const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const

type EndpointTypeCode = (typeof EndpointType)[keyof typeof EndpointType]
const TYPE_NAME: Record<EndpointTypeCode, string> = { 1: 'BROKER', 2: 'CONTROLLER' }

/** Kafka's answer to a DescribeCluster asking for the other kind of endpoint (or an unknown one) than this listener serves. */
function refusal(requested: number, served: EndpointTypeCode) {
  const other = served === EndpointType.BROKER ? EndpointType.CONTROLLER : EndpointType.BROKER
  const mismatched = requested === other
  return {
    throttleTimeMs: 0,
    errorCode: mismatched ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
    errorMessage: mismatched
      ? `The request was sent to an endpoint of type ${TYPE_NAME[served]}, but we wanted an endpoint of type ${TYPE_NAME[other]}`
      : `Unsupported endpoint type ${requested}`,
    endpointType: served,
    clusterId: '',
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: NO_OPERATIONS,
  }
}

export default defineApi(ApiKey.DescribeCluster, {
  handle(req, ctx) {
    const md = ctx.broker.metadata
    const endpointType = ctx.apiVersion >= 1 ? (req.endpointType ?? EndpointType.BROKER) : EndpointType.BROKER
    // On the controller's own listener (KIP-919's bootstrap.controllers), the answer lists the
    // controllers: the one voter, the supervisor's controller, and it is the active one.
    const controller = controllerListenerOf(md)
    if (controller) {
      if (endpointType !== EndpointType.CONTROLLER) return refusal(endpointType, EndpointType.CONTROLLER)
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        endpointType: EndpointType.CONTROLLER,
        clusterId: md.clusterId,
        controllerId: controller.nodeId,
        brokers: [{ brokerId: controller.nodeId, host: controller.host, port: controller.port, rack: null, isFenced: false }],
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : NO_OPERATIONS,
      }
    }
    if (endpointType !== EndpointType.BROKER) return refusal(endpointType, EndpointType.BROKER)
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: EndpointType.BROKER,
      clusterId: md.clusterId,
      // As KRaft brokers: clients cannot reach the controller (node 0, in the supervisor; see
      // DescribeQuorum), so a broker names a live broker, the same one Metadata names.
      controllerId: md.controllerId,
      // v2's includeFencedBrokers (KIP-1073) adds the registered but fenced brokers, marked so.
      brokers: [...md.registrations.values()]
        .filter((b) => !b.fenced || (ctx.apiVersion >= 2 && req.includeFencedBrokers === true))
        .sort((a, b) => a.nodeId - b.nodeId)
        .flatMap((b) => {
          const ep = endpointOn(b, ctx.security?.listenerName)
          return ep ? [{ brokerId: b.nodeId, host: ep.host, port: ep.port, rack: b.rack, isFenced: b.fenced }] : []
        }),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : NO_OPERATIONS,
    }
  },
})
