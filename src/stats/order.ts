import type { Side } from '../model/run.js'

/**
 * ABBA: B H, H B, B H, H B ... (pairs count from 1), so neither side always runs first or last. The compare loop
 * runs its round pairs in this order, and the simulations that calibrate it do the same.
 */
export function roundOrder(pair: number): [Side, Side] {
  return pair % 2 === 1 ? ['base', 'head'] : ['head', 'base']
}
