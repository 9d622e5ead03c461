// Memory and liveness of the embedded cluster's processes, read from /proc (Linux). The
// `kafkadesk cluster` process only supervises (and hosts the controller); the requests a hostile
// client sends are parsed, decompressed and answered in the broker processes, so their memory is
// what a bound on a bomb or a fuzzed request must hold.
import { readFileSync } from 'node:fs'
import type { EmbeddedProcess } from '../../helpers/embedded'

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Whether the process still runs (a zombie, exited but not yet reaped, does not). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** The PID of broker `nodeId`'s process, as the cluster printed it at start. */
export function brokerPid(cluster: EmbeddedProcess, nodeId = 1): number {
  const pid = cluster.brokerPids.get(nodeId)
  if (pid === undefined) throw new Error(`the cluster did not print a pid for broker ${nodeId}`)
  if (pid === cluster.child.pid) throw new Error('the broker pid is the supervisor’s: brokers must run in their own processes')
  return pid
}

/** The broker processes under a `kafkadesk cluster` supervisor (its children running `broker-process`). */
export function brokerChildren(supervisorPid: number): number[] {
  let children: number[]
  try {
    children = readFileSync(`/proc/${supervisorPid}/task/${supervisorPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('broker-process')
    } catch {
      return false
    }
  })
}

/**
 * The broker process behind `pid`: itself when it runs `broker-process`, else the one broker
 * child of a `kafkadesk cluster` supervisor. Throws when there is not exactly one, so a
 * measurement never silently falls back to the supervisor.
 */
export function brokerProcessOf(pid: number): number {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('broker-process')) return pid
  } catch {
    throw new Error(`process ${pid} is gone`)
  }
  const brokers = brokerChildren(pid)
  if (brokers.length !== 1) throw new Error(`expected one broker process under ${pid}, found ${brokers.length}`)
  return brokers[0]!
}
