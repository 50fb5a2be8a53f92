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

describe('sendOnSchedule with an idle loop', () => {
  it('wakes itself: every request is sent once, in order, and not every send needs a tick from the ticker thread', async () => {
    const ticker = await startSendTicker()
    const sent: Array<{ due: number; at: number }> = []
    let ticks = 0
    const tick = ticker.tick.bind(ticker)
    ticker.tick = () => tick().then(() => void ticks++)
    try {
      const due = (i: number) => 5 + i * 4 // 250 req/s for 200 ms
      await sendOnSchedule(ticker, 0, due, 205, d => sent.push({ due: d, at: ticker.now() }), {
        idle: () => true
      })
    } finally {
      await ticker.close()
    }
    expect(sent.map(s => s.due)).toEqual(Array.from({ length: 50 }, (_, i) => 5 + i * 4))
    // a send the loop woke itself for is never early; one a tick woke (its timer was late, a busy machine) may
    // leave within the send-ahead window
    for (const { due, at } of sent) expect(at).toBeGreaterThanOrEqual(due - SEND_AHEAD_MS)
    // without the loop's own wake-up every send would need a tick
    expect(ticks).toBeLessThan(sent.length)
  })

  it('with a request in flight, waits for the ticker thread and still sends every request once', async () => {
    const ticker = await startSendTicker()
    const sent: number[] = []
    let busy = true
    try {
      const due = (i: number) => 5 + i * 4
      await sendOnSchedule(
        ticker,
        0,
        due,
        205,
        d => {
          sent.push(d)
          busy = !busy
        },
        { idle: () => !busy }
      )
    } finally {
      await ticker.close()
    }
    expect(sent).toEqual(Array.from({ length: 50 }, (_, i) => 5 + i * 4))
  })
})
