/**
 * Test helper: reads Kafka's own message specs (common/message/*.json) out of the Kafka jars
 * that scripts/kafka/fetch.sh puts in .cache/kafka/libs (or a Maven cache), with a minimal
 * zip reader on node:zlib, so the spec comparison needs neither unzip nor a dependency.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export interface KafkaField {
  name: string
  type: string
  versions: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  default?: unknown
  fields?: KafkaField[]
}

export interface KafkaSpec {
  apiKey?: number
  type: string
  name: string
  validVersions: string
  flexibleVersions: string
  fields: KafkaField[]
}

/** The newest jar of an artifact: .cache/kafka/libs first, then ~/.m2. */
export function findJar(artifact: string): string | undefined {
  const libs = path.join(ROOT, '.cache/kafka/libs')
  if (fs.existsSync(libs)) {
    const hits = fs
      .readdirSync(libs)
      .filter((f) => f.startsWith(artifact + '-') && /^\d/.test(f.slice(artifact.length + 1)) && f.endsWith('.jar'))
      .sort()
    if (hits.length) return path.join(libs, hits[hits.length - 1])
  }
  const m2 = path.join(os.homedir(), '.m2/repository/org/apache/kafka', artifact)
  if (fs.existsSync(m2)) {
    for (const v of fs.readdirSync(m2).sort().reverse()) {
      const jar = path.join(m2, v, `${artifact}-${v}.jar`)
      if (fs.existsSync(jar)) return jar
    }
  }
  return undefined
}

export function requireJar(artifact: string): string {
  const jar = findJar(artifact)
  if (!jar)
    throw new Error(
      `Kafka's message specs are read from ${artifact}-*.jar, which was found neither in .cache/kafka/libs nor in ~/.m2. ` +
        'Run scripts/kafka/fetch.sh to download the Kafka jars, then rerun this test.',
    )
  return jar
}

/** Entry name → file bytes, for the entries matching `want`. */
export function readZip(file: string, want: (name: string) => boolean): Map<string, Buffer> {
  const zip = fs.readFileSync(file)
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file`)
  const count = zip.readUInt16LE(eocd + 10)
  let p = zip.readUInt32LE(eocd + 16)
  const out = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`)
    const method = zip.readUInt16LE(p + 10)
    const csize = zip.readUInt32LE(p + 20)
    const nlen = zip.readUInt16LE(p + 28)
    const elen = zip.readUInt16LE(p + 30)
    const clen = zip.readUInt16LE(p + 32)
    const local = zip.readUInt32LE(p + 42)
    const name = zip.toString('utf8', p + 46, p + 46 + nlen)
    p += 46 + nlen + elen + clen
    if (!want(name)) continue
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const data = zip.subarray(start, start + csize)
    out.set(name, method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data))
  }
  return out
}

function resolveStructs(fields: KafkaField[], common: Map<string, KafkaField[]>): KafkaField[] {
  return (fields ?? []).map((f) => {
    const base = f.type.replace(/^\[\]/, '')
    const sub = f.fields ?? common.get(base)
    return sub ? { ...f, fields: resolveStructs(sub, common) } : f
  })
}

/** Parses one spec file: strips Kafka's // comment lines and inlines commonStructs. */
export function parseSpec(text: string): KafkaSpec {
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''))
  const common = new Map<string, KafkaField[]>()
  for (const c of json.commonStructs ?? []) common.set(c.name, c.fields)
  json.fields = resolveStructs(json.fields, common)
  return json
}

const cache = new Map<string, Map<string, KafkaSpec>>()

/** All common/message/*.json specs of a jar, by message name. */
export function specsOf(jar: string): Map<string, KafkaSpec> {
  let specs = cache.get(jar)
  if (!specs) {
    specs = new Map()
    const files = readZip(jar, (n) => n.startsWith('common/message/') && n.endsWith('.json'))
    for (const [name, buf] of files) specs.set(path.basename(name, '.json'), parseSpec(buf.toString('utf8')))
    cache.set(jar, specs)
  }
  return specs
}
