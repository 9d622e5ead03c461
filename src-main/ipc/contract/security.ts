/**
 * Security: SCRAM users (DescribeUserScramCredentials / AlterUserScramCredentials), ACLs
 * (DescribeAcls / CreateAcls / DeleteAcls) with each principal's effective operations on one
 * resource, and client quotas (DescribeClientQuotas / AlterClientQuotas). Kafka's names
 * throughout: resource types, pattern types, operations and quota keys as kafka-acls and
 * kafka-configs spell them.
 */
import { z } from 'zod'
import { ACL_OPERATIONS, ACL_RESOURCE_TYPES } from './acl-names'

export const ScramMechanismName = z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512'])

export const ScramUser = z.object({
  user: z.string(),
  credentials: z.array(z.object({ mechanism: ScramMechanismName, iterations: z.number().int() })),
})
export type ScramUser = z.infer<typeof ScramUser>

/** A user's password for one mechanism; the salted password is computed in the main process, the password never leaves it. */
export const ScramUpsertRequest = z.object({
  user: z.string().min(1).max(1000),
  mechanism: ScramMechanismName,
  password: z.string().min(1).max(1000),
  /** Kafka's minimum is 4096 and the broker refuses more than 16384. */
  iterations: z.number().int().min(4096).max(16384).default(4096),
})

export const ScramDeleteRequest = z.object({
  user: z.string().min(1).max(1000),
  /** The mechanisms to remove; the user is gone once none is left. */
  mechanisms: z.array(ScramMechanismName).min(1),
})

export const AclResourceType = z.enum(ACL_RESOURCE_TYPES)
export const AclPatternType = z.enum(['LITERAL', 'PREFIXED'])
export const AclOperationName = z.enum(ACL_OPERATIONS)
export const AclPermission = z.enum(['ALLOW', 'DENY'])

/** One ACL binding: a resource pattern and an access control entry. */
export const AclEntry = z.object({
  resourceType: AclResourceType,
  resourceName: z.string().min(1).max(1000),
  patternType: AclPatternType,
  /** "User:alice", or "User:*" for every user. */
  principal: z.string().regex(/^[^:]+:.+$/, 'expected Type:name, e.g. User:alice'),
  /** An IP address, or "*" for every host. */
  host: z.string().min(1).max(255).default('*'),
  operation: AclOperationName,
  permission: AclPermission,
})
export type AclEntry = z.infer<typeof AclEntry>

export const AclList = z.object({
  /** 'no-authorizer': the cluster answered SECURITY_DISABLED (authorizer.class.name is not set). */
  state: z.enum(['enabled', 'no-authorizer']),
  acls: z.array(AclEntry),
  /** The broker's message when it is not 'enabled'. */
  message: z.string().optional(),
})

/** "Who can do what" on one resource: the resource types whose operations can be evaluated. */
export const AccessResourceType = z.enum(['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'])

export const AccessRequest = z.object({ resourceType: AccessResourceType, resourceName: z.string().min(1).max(1000) })

/** An operation's outcome for one principal: allowed by an ALLOW, refused by a DENY, or refused because no ACL grants it. */
export const AccessDecision = z.enum(['allowed', 'denied', 'not-granted'])

export const PrincipalAccess = z.object({
  principal: z.string(),
  /** "*" for a connection from any host; an address when host-specific ACLs apply to it. */
  host: z.string(),
  operations: z.array(z.object({ operation: AclOperationName, decision: AccessDecision })),
  /** The ACLs that apply to this principal (its own and User:*'s) on this resource. */
  acls: z.array(AclEntry),
})

export const AccessView = z.object({
  state: z.enum(['enabled', 'no-authorizer']),
  resourceType: AccessResourceType,
  resourceName: z.string(),
  /** The operations of this resource type, in Kafka's order. */
  operations: z.array(AclOperationName),
  principals: z.array(PrincipalAccess),
  /** No ACL matches the resource at all: only super users may use it, unless allow.everyone.if.no.acl.found=true. */
  noAclMatches: z.boolean(),
  message: z.string().optional(),
})

export const QuotaEntityType = z.enum(['user', 'client-id'])
export const QuotaKey = z.enum(['producer_byte_rate', 'consumer_byte_rate', 'request_percentage'])

/** One component of a quota entity; a null name is the default entity (`<default>` in kafka-configs). */
export const QuotaEntityPart = z.object({ type: QuotaEntityType, name: z.string().min(1).max(1000).nullable() })

export const QuotaEntity = z
  .array(QuotaEntityPart)
  .min(1)
  .max(2)
  .refine((e) => new Set(e.map((p) => p.type)).size === e.length, { message: 'each entity type at most once' })

export const QuotaEntry = z.object({
  entity: z.array(z.object({ type: z.string(), name: z.string().nullable() })),
  /** Kafka's quota keys and their values (bytes/s, or percent of a request thread's time). */
  values: z.record(z.string(), z.number()),
})

export const QuotaList = z.object({ quotas: z.array(QuotaEntry) })

export const QuotaAlterRequest = z.object({
  entity: QuotaEntity,
  set: z.array(z.object({ key: QuotaKey, value: z.number().positive().max(1e15) })).default([]),
  remove: z.array(QuotaKey).default([]),
})
