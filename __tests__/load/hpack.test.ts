import { describe, expect, it } from '@jest/globals'
import { encodeHeaders, HpackDecoder, HpackError, huffmanDecode } from '../../src/load/hpack.js'
import { HUFFMAN_CODES, HUFFMAN_LENGTHS } from '../../src/load/hpack-tables.js'

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex')
const pairs = (flat: string[]) => {
  const out: Array<[string, string]> = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!])
  return out
}

// RFC 7541 Appendix C
const REQUEST_1: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':path', '/'],
  [':authority', 'www.example.com']
]
const REQUEST_2: Array<[string, string]> = [...REQUEST_1, ['cache-control', 'no-cache']]
const REQUEST_3: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':path', '/index.html'],
  [':authority', 'www.example.com'],
  ['custom-key', 'custom-value']
]
const RESPONSE_1: Array<[string, string]> = [
  [':status', '302'],
  ['cache-control', 'private'],
  ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
  ['location', 'https://www.example.com']
]
const RESPONSE_2: Array<[string, string]> = [[':status', '307'], ...RESPONSE_1.slice(1)]
const RESPONSE_3: Array<[string, string]> = [
  [':status', '200'],
  ['cache-control', 'private'],
  ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
  ['location', 'https://www.example.com'],
  ['content-encoding', 'gzip'],
  ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1']
]

describe('HPACK decoding (RFC 7541 Appendix C)', () => {
  it('C.2: literal fields with and without indexing, never indexed, and an indexed field', () => {
    const d = new HpackDecoder()
    expect(pairs(d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572')))).toEqual([
      ['custom-key', 'custom-header']
    ])
    expect(d.tableSize()).toBe(55)
    const e = new HpackDecoder()
    expect(pairs(e.decode(hex('040c 2f73 616d 706c 652f 7061 7468')))).toEqual([[':path', '/sample/path']])
    expect(pairs(e.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74')))).toEqual([
      ['password', 'secret']
    ])
    expect(pairs(e.decode(hex('82')))).toEqual([[':method', 'GET']])
    expect(e.tableSize()).toBe(0)
  })

  it.each([
    [
      'C.3, without Huffman',
      [
        '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
        '8286 84be 5808 6e6f 2d63 6163 6865',
        '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'
      ]
    ],
    [
      'C.4, with Huffman',
      [
        '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
        '8286 84be 5886 a8eb 1064 9cbf',
        '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'
      ]
    ]
  ])('%s: three requests on one connection share the dynamic table', (_name, blocks) => {
    const d = new HpackDecoder()
    expect(pairs(d.decode(hex(blocks[0]!)))).toEqual(REQUEST_1)
    expect(d.tableSize()).toBe(57)
    expect(pairs(d.decode(hex(blocks[1]!)))).toEqual(REQUEST_2)
    expect(d.tableSize()).toBe(110)
    expect(pairs(d.decode(hex(blocks[2]!)))).toEqual(REQUEST_3)
    expect(d.tableSize()).toBe(164)
  })

  it.each([
    [
      'C.5, without Huffman',
      [
        `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
         2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`,
        '4803 3330 37c1 c0bf',
        `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
         54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
         5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31`
      ]
    ],
    [
      'C.6, with Huffman',
      [
        `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
         2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`,
        '4883 640e ffc1 c0bf',
        `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
         77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
         9587 3160 65c0 03ed 4ee5 b106 3d50 07`
      ]
    ]
  ])('%s: three responses in a 256-octet table, with evictions', (_name, blocks) => {
    const d = new HpackDecoder(256)
    expect(pairs(d.decode(hex(blocks[0]!)))).toEqual(RESPONSE_1)
    expect(d.tableSize()).toBe(222)
    expect(pairs(d.decode(hex(blocks[1]!)))).toEqual(RESPONSE_2)
    expect(d.tableSize()).toBe(222)
    expect(pairs(d.decode(hex(blocks[2]!)))).toEqual(RESPONSE_3)
    expect(d.tableSize()).toBe(215)
  })

  it('a table size update evicts, and one above the advertised limit is an error', () => {
    const d = new HpackDecoder()
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'))
    expect(d.tableSize()).toBe(55)
    // size update to 0 (0x20), then index 2
    expect(pairs(d.decode(hex('20 82')))).toEqual([[':method', 'GET']])
    expect(d.tableSize()).toBe(0)
    expect(() => d.decode(hex('be'))).toThrow(HpackError)
    // 4097 = 31 + 4066: 0x3f, then 4066 in 7-bit groups (0xe2 0x1f)
    expect(() => new HpackDecoder(4096).decode(hex('3f e2 1f'))).toThrow('above the 4096 allowed')
    expect(() => new HpackDecoder().decode(hex('82 20'))).toThrow('after a header field')
  })

  it('malformed blocks are errors: index 0, a cut integer, a string past the end', () => {
    expect(() => new HpackDecoder().decode(hex('80'))).toThrow(HpackError)
    expect(() => new HpackDecoder().decode(hex('ff'))).toThrow('inside an integer')
    expect(() => new HpackDecoder().decode(hex('04 0c 2f73'))).toThrow('past the header block')
  })
})

describe('Huffman decoding (RFC 7541 Appendix B)', () => {
  it('the code is complete (its Kraft sum is 1) and every symbol decodes to itself', () => {
    expect(HUFFMAN_CODES).toHaveLength(257)
    expect(HUFFMAN_LENGTHS.reduce((sum, length) => sum + 2 ** -length, 0)).toBe(1)
    // encode all 256 octets with the table, pad with ones, and decode
    let bits = ''
    for (let symbol = 0; symbol < 256; symbol++)
      bits += HUFFMAN_CODES[symbol]!.toString(2).padStart(HUFFMAN_LENGTHS[symbol]!, '0')
    bits += '1'.repeat((8 - (bits.length % 8)) % 8)
    const bytes = Buffer.from(bits.match(/.{8}/g)!.map(byte => parseInt(byte, 2)))
    const decoded = huffmanDecode(bytes, 0, bytes.length)
    expect([...decoded].map(c => c.charCodeAt(0))).toEqual([...Array(256).keys()])
  })

  it('padding longer than 7 bits, padding with a zero, and EOS are errors', () => {
    // 'a' is 00011: 0x1f is 'a' + 3 one bits; 0x1f 0xff has 11 bits of padding
    expect(huffmanDecode(hex('1f'), 0, 1)).toBe('a')
    expect(() => huffmanDecode(hex('1fff'), 0, 2)).toThrow('invalid padding')
    expect(() => huffmanDecode(hex('1e'), 0, 1)).toThrow('invalid padding')
    expect(() => huffmanDecode(hex('ffffffff'), 0, 4)).toThrow('EOS')
  })
})

describe('HPACK encoding of requests', () => {
  it('static pairs are indexed, static names are referenced, the rest is literal, all readable back', () => {
    const fields = [
      ':method',
      'GET',
      ':scheme',
      'https',
      ':authority',
      '127.0.0.1:8080',
      ':path',
      '/items?id=7',
      'content-type',
      'application/json',
      'x-trace',
      'abc'
    ]
    const block = encodeHeaders(fields)
    // :method GET is static index 2, :scheme https 7
    expect(block.subarray(0, 2)).toEqual(hex('82 87'))
    // :authority by static name (index 1) without indexing
    expect(block[2]).toBe(0x01)
    const decoder = new HpackDecoder()
    expect(decoder.decode(block)).toEqual(fields)
    // nothing was added to the peer's dynamic table
    expect(decoder.tableSize()).toBe(0)
  })

  it('long values take multi-byte lengths', () => {
    const fields = ['x-long', 'v'.repeat(300), 'cookie', 'c'.repeat(200)]
    expect(new HpackDecoder().decode(encodeHeaders(fields))).toEqual(fields)
  })
})
