// `kafkadesk broker stop|kill|start|isolate|heal ID` and `kafkadesk cluster status`: act on the
// cluster running from a data dir, through the control endpoint its supervisor announces in
// <dataDir>/supervisor.json (src-main/broker/process/control-server.ts).
import { createConnection } from 'node:net'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CONTROL_FILE, type BrokerStatus, type ControlFile, type ControllerStatus } from '../broker/process/control-server'
import { userDataDir } from './data-dir'

export const brokerUsage = `  broker    control one broker of the cluster running from a data dir
            kafkadesk broker stop|kill|start|isolate|heal ID [--data-dir DIR]
            stop: controlled shutdown; kill: kill -9 of its process; start: start it again;
            isolate: cut it off from the controller (still serving clients) until heal
  cluster status [--data-dir DIR]   brokers, PIDs, state and leader counts of that cluster
`

type Fail = (message: string) => never

async function request(
  dataDir: string,
  msg: Record<string, unknown>,
  fail: Fail,
): Promise<{ status: { clusterId: string; controllerStatus?: ControllerStatus; brokers: BrokerStatus[] } }> {
  const file = join(dataDir, CONTROL_FILE)
  if (!existsSync(file)) fail(`no cluster is running from ${dataDir} (no ${CONTROL_FILE})`)
  const ctl = JSON.parse(readFileSync(file, 'utf8')) as ControlFile
  const reply = await new Promise<Record<string, unknown>>((res, rej) => {
    const s = createConnection({ host: '127.0.0.1', port: ctl.port })
    let buf = ''
    s.setEncoding('utf8')
    s.on('data', (d: string) => {
      buf += d
      if (buf.includes('\n')) {
        s.end()
        res(JSON.parse(buf.slice(0, buf.indexOf('\n'))) as Record<string, unknown>)
      }
    })
    s.on('error', (e) => rej(new Error(`the cluster of ${dataDir} (supervisor pid ${ctl.pid}) does not answer: ${e.message}`)))
    s.on('connect', () => s.write(`${JSON.stringify(msg)}\n`))
  }).catch((e: Error) => fail(e.message))
  if (reply.error) fail(String(reply.error))
  return reply as unknown as { status: { clusterId: string; controllerStatus?: ControllerStatus; brokers: BrokerStatus[] } }
}

function line(b: BrokerStatus): string {
  return `broker ${b.nodeId}  ${b.state}${b.fenced && b.state === 'running' ? ' (fenced)' : ''}${b.isolated ? ' (isolated)' : ''}  pid ${b.pid ?? '-'}  ${b.host}:${b.port}  leader of ${b.leaderOf} partition(s)`
}

function dataDirOf(v: string | undefined): string {
  return resolve(v ?? join(userDataDir(), 'cluster'))
}

export async function brokerCommand(args: string[], fail: Fail): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, allowPositionals: true, strict: true })
  const [op, id] = positionals
  if (!op || !['stop', 'kill', 'start', 'isolate', 'heal'].includes(op)) fail(`broker expects stop, kill, start, isolate or heal, got ${op ?? 'nothing'}`)
  const nodeId = Number(id)
  if (!Number.isInteger(nodeId)) fail(`broker ${op} expects a broker id, got ${id ?? 'nothing'}`)
  const r = await request(dataDirOf(values['data-dir']), { op, nodeId }, fail)
  process.stdout.write(`${line(r.status.brokers.find((b) => b.nodeId === nodeId)!)}\n`)
}

export async function clusterStatusCommand(args: string[], fail: Fail): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: true })
  const r = await request(dataDirOf(values['data-dir']), { op: 'status' }, fail)
  const c = r.status.controllerStatus
  // The controller's listener is where `kafka-metadata-quorum --bootstrap-controller` connects.
  const controller = c ? `controller ${c.nodeId}  epoch ${c.epoch}  listening on ${c.listener} (CONTROLLER)\n` : ''
  process.stdout.write(`cluster ${r.status.clusterId}\n${controller}${r.status.brokers.map(line).join('\n')}\n`)
}
