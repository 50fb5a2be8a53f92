import { describe, expect, it } from '@jest/globals'
import { SEND_AHEAD_MS, sendOnSchedule, startSendTicker } from '../../src/load/clock.js'

describe('sendOnSchedule', () => {
  it('sends every request once, in order, never earlier than the send-ahead window', async () => {
    const ticker = await startSendTicker()
    const sent: Array<{ due: number; at: number }> = []
    try {
      const due = (i: number) => 5 + i * 2 // 500 req/s for 300 ms
      const next = await sendOnSchedule(ticker, 0, due, 305, d => sent.push({ due: d, at: ticker.now() }))
      expect(next).toBe(150)
    } finally {
      await ticker.close()
    }
    expect(sent.map(s => s.due)).toEqual(Array.from({ length: 150 }, (_, i) => 5 + i * 2))
    for (const { due, at } of sent) expect(at).toBeGreaterThanOrEqual(due - SEND_AHEAD_MS)
  })

  it('at a high rate one wake-up of the loop sends several requests', async () => {
    const ticker = await startSendTicker()
    let wakeUps = 0
    let sends = 0
    try {
      const due = (i: number) => 5 + i * 0.2 // 5,000 req/s for 400 ms
      await sendOnSchedule(ticker, 0, due, 405, () => sends++, { between: () => wakeUps++ })
    } finally {
      await ticker.close()
    }
    expect(sends).toBe(2000)
    // each wake-up sends what is due within SEND_AHEAD_MS (three requests at 0.2 ms apart), or more when late
    expect(wakeUps).toBeLessThan(sends / 2)
  })
})
