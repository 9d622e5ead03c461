// kafkajs ships gzip only; snappy, lz4 and zstd are registered here from the project's own
// compression module (snappy via `snappy`, incl. xerial framing; lz4 frames via `lz4-napi`;
// zstd decode via fzstd or node:zlib, encode as node:zlib or a raw-block zstd frame).
import kafkajs from 'kafkajs'
import { Compression, compress, decompress } from '../broker/records/compression'
import type { CompressionName } from '../ipc/contract'

// kafkajs is CommonJS: Node's ESM loader cannot see all of its named exports.
const { CompressionCodecs, CompressionTypes } = kafkajs

function codec(type: number) {
  return () => ({
    async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
      return compress(type as 0, encoder.buffer)
    },
    async decompress(buffer: Buffer): Promise<Buffer> {
      return decompress(type, buffer)
    },
  })
}

let registered = false

export function registerCompressionCodecs(): void {
  if (registered) return
  registered = true
  const codecs = CompressionCodecs as Record<number, () => unknown>
  codecs[CompressionTypes.Snappy] = codec(Compression.SNAPPY)
  codecs[CompressionTypes.LZ4] = codec(Compression.LZ4)
  codecs[CompressionTypes.ZSTD] = codec(Compression.ZSTD)
}

export function kafkajsCompression(name: CompressionName): kafkajs.CompressionTypes {
  switch (name) {
    case 'gzip':
      return CompressionTypes.GZIP
    case 'snappy':
      return CompressionTypes.Snappy
    case 'lz4':
      return CompressionTypes.LZ4
    case 'zstd':
      return CompressionTypes.ZSTD
    default:
      return CompressionTypes.None
  }
}
