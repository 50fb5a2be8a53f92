import { describe, expect, it } from '@jest/globals'
import { roundOrder } from '../../src/stats/order.js'

describe('roundOrder', () => {
  it('alternates ABBA, so neither side always runs first or last', () => {
    expect([1, 2, 3, 4].map(roundOrder)).toEqual([
      ['base', 'head'],
      ['head', 'base'],
      ['base', 'head'],
      ['head', 'base']
    ])
  })
})
