import { HUFFMAN_CODES, HUFFMAN_LENGTHS, STATIC_TABLE } from './hpack-tables.js'

/** HPACK (RFC 7541) for a client: a full decoder for responses, a plain encoder for requests. */

const STATIC_ENTRIES = STATIC_TABLE.length / 2
/** RFC 7541 §4.1: an entry's size is its name's and value's octets plus 32 */
const ENTRY_OVERHEAD = 32
/** the largest integer the decoder accepts (a header block is never near it) */
const MAX_INTEGER = 2 ** 31 - 1

/** A header block the decoder cannot read: a COMPRESSION_ERROR, fatal to the connection (RFC 9113 §4.3). */
export class HpackError extends Error {
  readonly code = 'ERR_PERFGATE_HPACK'
  constructor(message: string) {
    super(`HPACK: ${message}`)
  }
}

/**
 * The Huffman code as a binary tree in an array: node n's children are at [2n] (bit 0) and [2n + 1] (bit 1); a
 * child >= 0 is a node, a child < 0 is the symbol -(child + 1).
 */
const HUFFMAN_TREE = (() => {
  const tree = new Int32Array(2 * 512)
  let nodes = 1
  for (let symbol = 0; symbol < HUFFMAN_CODES.length; symbol++) {
    const code = HUFFMAN_CODES[symbol]!
    const length = HUFFMAN_LENGTHS[symbol]!
    let node = 0
    for (let bit = length - 1; bit > 0; bit--) {
      const slot = 2 * node + ((code >>> bit) & 1)
      if (tree[slot] === 0) tree[slot] = nodes++
      node = tree[slot]!
    }
    tree[2 * node + (code & 1)] = -(symbol + 1)
  }
  return tree
})()

/** Decodes a Huffman-coded string (RFC 7541 §5.2): padding is at most 7 bits, all ones; EOS is an error. */
export function huffmanDecode(source: Buffer, start: number, end: number): string {
  let out = ''
  let node = 0
  // bits read since the last symbol, and whether they were all ones (a valid padding so far)
  let pending = 0
  let ones = true
  for (let i = start; i < end; i++) {
    const byte = source[i]!
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >> bit) & 1
      const next = HUFFMAN_TREE[2 * node + b]!
      pending++
      ones &&= b === 1
      if (next < 0) {
        if (next === -257) throw new HpackError('a Huffman string contains EOS')
        out += String.fromCharCode(-next - 1)
        node = 0
        pending = 0
        ones = true
      } else node = next
    }
  }
  if (pending > 7 || !ones) throw new HpackError('a Huffman string ends with invalid padding')
  return out
}

/** The decoder's state: the dynamic table, newest entry last, flat name, value pairs. */
export class HpackDecoder {
  private readonly entries: string[] = []
  private size = 0
  private maxSize: number
  private offset = 0
  private block: Buffer = Buffer.alloc(0)

  /** `limit`: SETTINGS_HEADER_TABLE_SIZE as advertised (4,096 until the peer hears otherwise) */
  constructor(private readonly limit = 4096) {
    this.maxSize = limit
  }

  /** Decodes one complete header block into a flat list of name, value pairs (names and values as octets). */
  decode(block: Buffer): string[] {
    this.block = block
    this.offset = 0
    const fields: string[] = []
    let sawField = false
    while (this.offset < block.length) {
      const first = block[this.offset]!
      if (first & 0x80) {
        // indexed header field (§6.1)
        const index = this.integer(7)
        if (index === 0) throw new HpackError('index 0')
        fields.push(this.nameAt(index), this.valueAt(index))
        sawField = true
      } else if (first & 0x40) {
        // literal with incremental indexing (§6.2.1)
        const [name, value] = this.literal(6)
        fields.push(name, value)
        this.insert(name, value)
        sawField = true
      } else if (first & 0x20) {
        // dynamic table size update (§6.3): only at the start of a block
        if (sawField) throw new HpackError('a table size update after a header field')
        const size = this.integer(5)
        if (size > this.limit) throw new HpackError(`a table size of ${size} above the ${this.limit} allowed`)
        this.maxSize = size
        this.evict(0)
      } else {
        // literal without indexing (§6.2.2) or never indexed (§6.2.3)
        const [name, value] = this.literal(4)
        fields.push(name, value)
        sawField = true
      }
    }
    return fields
  }

  /** the dynamic table's size in octets (RFC 7541 §4.1), for tests */
  tableSize(): number {
    return this.size
  }

  private literal(prefix: number): [string, string] {
    const index = this.integer(prefix)
    const name = index === 0 ? this.string() : this.nameAt(index)
    return [name, this.string()]
  }

  private nameAt(index: number): string {
    return this.at(index, 0)
  }

  private valueAt(index: number): string {
    return this.at(index, 1)
  }

  private at(index: number, part: 0 | 1): string {
    if (index <= STATIC_ENTRIES) return STATIC_TABLE[2 * (index - 1) + part]!
    const dynamic = index - STATIC_ENTRIES
    const count = this.entries.length / 2
    if (dynamic > count) throw new HpackError(`index ${index} beyond the table (${STATIC_ENTRIES + count})`)
    return this.entries[2 * (count - dynamic) + part]!
  }

  private insert(name: string, value: string): void {
    const size = name.length + value.length + ENTRY_OVERHEAD
    this.evict(size)
    // an entry larger than the table empties it and is not added (§4.4)
    if (size > this.maxSize) return
    this.entries.push(name, value)
    this.size += size
  }

  /** Drops the oldest entries until `room` more octets fit. */
  private evict(room: number): void {
    let drop = 0
    while (this.size + room > this.maxSize && drop < this.entries.length) {
      this.size -= this.entries[drop]!.length + this.entries[drop + 1]!.length + ENTRY_OVERHEAD
      drop += 2
    }
    if (drop) this.entries.splice(0, drop)
  }

  /** An integer with an N-bit prefix (§5.1), read from the block at the offset. */
  private integer(prefix: number): number {
    const block = this.block
    const mask = (1 << prefix) - 1
    if (this.offset >= block.length) throw new HpackError('a header block ends inside an integer')
    let value = block[this.offset++]! & mask
    if (value < mask) return value
    let shift = 0
    for (;;) {
      if (this.offset >= block.length) throw new HpackError('a header block ends inside an integer')
      const byte = block[this.offset++]!
      value += (byte & 0x7f) * 2 ** shift
      if (value > MAX_INTEGER) throw new HpackError('an integer overflows')
      if (!(byte & 0x80)) return value
      shift += 7
    }
  }

  /** A string literal (§5.2), Huffman-coded or not. */
  private string(): string {
    if (this.offset >= this.block.length) throw new HpackError('a header block ends before a string')
    const huffman = (this.block[this.offset]! & 0x80) !== 0
    const length = this.integer(7)
    const start = this.offset
    const end = start + length
    if (end > this.block.length) throw new HpackError('a string runs past the header block')
    this.offset = end
    return huffman ? huffmanDecode(this.block, start, end) : this.block.toString('latin1', start, end)
  }
}

/** where each static name first appears, and each static name: value pair */
const STATIC_NAMES = new Map<string, number>()
const STATIC_PAIRS = new Map<string, number>()
for (let i = STATIC_ENTRIES; i >= 1; i--) {
  STATIC_NAMES.set(STATIC_TABLE[2 * (i - 1)]!, i)
  STATIC_PAIRS.set(`${STATIC_TABLE[2 * (i - 1)]!}\0${STATIC_TABLE[2 * i - 1]!}`, i)
}

function pushInteger(out: number[], value: number, prefix: number, pattern: number): void {
  const mask = (1 << prefix) - 1
  if (value < mask) {
    out.push(pattern | value)
    return
  }
  out.push(pattern | mask)
  value -= mask
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80)
    value = Math.floor(value / 0x80)
  }
  out.push(value)
}

/**
 * Encodes request header fields (flat name, value pairs; names lower-case) without touching the peer's dynamic
 * table: a static name: value pair as its index (§6.1), anything else as a literal without indexing (§6.2.2),
 * named by its static index when it has one, and never Huffman-coded.
 */
export function encodeHeaders(fields: readonly string[]): Buffer {
  const out: number[] = []
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!
    const value = fields[i + 1]!
    const pair = STATIC_PAIRS.get(`${name}\0${value}`)
    if (pair !== undefined) {
      pushInteger(out, pair, 7, 0x80)
      continue
    }
    const index = STATIC_NAMES.get(name)
    if (index !== undefined) pushInteger(out, index, 4, 0)
    else {
      out.push(0)
      pushString(out, name)
    }
    pushString(out, value)
  }
  return Buffer.from(out)
}

function pushString(out: number[], text: string): void {
  const bytes = Buffer.from(text, 'latin1')
  pushInteger(out, bytes.length, 7, 0)
  for (const byte of bytes) out.push(byte)
}
