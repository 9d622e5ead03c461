// Metadata records for SCRAM credentials and ACLs, shaped after KRaft's UserScramCredentialRecord,
// RemoveUserScramCredentialRecord, AccessControlEntryRecord and RemoveAccessControlEntryRecord.
// They live in the controller's metadata log, so every broker has the same users and ACLs and
// they survive restarts. Byte fields are base64 (the log is JSON).
import type { AclBinding } from './acl'

export type SecurityRecord =
  | { type: 'UserScramCredential'; name: string; mechanism: number; salt: string; storedKey: string; serverKey: string; iterations: number }
  | { type: 'RemoveUserScramCredential'; name: string; mechanism: number }
  | ({ type: 'AccessControlEntry'; id: string } & AclBinding)
  | { type: 'RemoveAccessControlEntry'; id: string }

export const SECURITY_RECORD_TYPES: ReadonlySet<string> = new Set([
  'UserScramCredential',
  'RemoveUserScramCredential',
  'AccessControlEntry',
  'RemoveAccessControlEntry',
])
