// A zstd "compressor" that writes valid zstd frames made of raw (stored) blocks, for clients
// that can decode zstd but have no encoder here: Node 20 has no zlib zstd and the installed
// npm packages (fzstd) only decompress. Any conforming zstd decoder, the broker's included,
// reads these frames; the bytes are not smaller, which does not matter for interop tests.
// Format per RFC 8878: magic, frame header (single segment, 4-byte content size), blocks.

const MAGIC = 0xfd2fb528
const MAX_BLOCK = 128 * 1024

export function zstdStoredFrame(data: Uint8Array): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK))
  const out = Buffer.alloc(4 + 1 + 4 + blocks * 3 + data.length)
  let pos = out.writeUInt32LE(MAGIC, 0)
  // Frame_Header_Descriptor: Frame_Content_Size_flag=2 (4 bytes), Single_Segment_flag=1,
  // no checksum, no dictionary. Single segment means no Window_Descriptor.
  pos = out.writeUInt8(0b1010_0000, pos)
  pos = out.writeUInt32LE(data.length, pos)
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX_BLOCK
    const size = Math.min(MAX_BLOCK, data.length - start)
    const last = b === blocks - 1 ? 1 : 0
    // Block_Header (3 bytes LE): Last_Block bit 0, Block_Type bits 1-2 (0 = Raw), Block_Size bits 3-23.
    const header = last | (0 << 1) | (size << 3)
    out.writeUIntLE(header, pos, 3)
    pos += 3
    out.set(data.subarray(start, start + size), pos)
    pos += size
  }
  return out
}
