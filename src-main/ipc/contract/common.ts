/**
 * Building blocks shared by the schemas of every domain: ids, names, partitions, offsets and
 * timestamps, and the `connectionId` every cluster request carries.
 */
import { z } from 'zod'

/** The built-in connection to the embedded cluster. */
export const EMBEDDED_CONNECTION_ID = 'embedded'

export const Id = z.string().min(1).max(256)
export const ConnectionId = Id
export const TopicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[a-zA-Z0-9._-]+$/, 'topic names use only letters, digits, ".", "_" and "-"')
export const GroupId = z.string().min(1).max(1024)
export const PartitionId = z.number().int().min(0)
export const Offset = z.number().int().min(0)
export const Timestamp = z.number().int()
export const NodeId = z.number().int().min(0)
export const Empty = z.object({}).strict()
export const ConnReq = z.object({ connectionId: ConnectionId })
/** A request that names only its connection, with nothing else allowed. */
export const ConnIdOnly = ConnReq.strict()
