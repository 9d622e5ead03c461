// Resident memory of a process, read from /proc (Linux only): VmRSS is what the process holds
// in RAM right now, VmHWM the peak since it started. Both include every thread (JVM GC and
// compiler threads, libuv's pool), which is what a user sees in `top`.
import { readFileSync } from 'node:fs'

export interface Rss {
  rssMb: number
  peakMb: number
}

function kbField(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)
  if (!m) throw new Error(`no ${name} in /proc status`)
  return Number(m[1]) / 1024
}

export function readRss(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return { rssMb: kbField(status, 'VmRSS'), peakMb: kbField(status, 'VmHWM') }
}

/** Direct children of a process (needs Linux ≥ 3.5's /proc/PID/task/TID/children). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  } catch {
    return ''
  }
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc/PID/stat
 * fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux). The difference across a run says
 * how much of the machine the broker needed — which matters here because on 2 cores the
 * load generator competes with the broker, and a cheaper broker leaves the client more CPU.
 */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces: count fields after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
