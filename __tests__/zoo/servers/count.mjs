// The zoo's own count of the responses an app answered, for the zoo's verdict on perfgate's count: the app calls
// the function this returns once per response, and the count goes to answered.<pid> in the zoo's temp dir
// (ZOO_DIR), rewritten (write, then rename) at most every 20 ms while it changes. Each process of a server writes
// its own file (node:cluster's workers), and the zoo sums them. Outside the zoo (no ZOO_DIR) it counts nothing.
import { renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export function responseCounter() {
  const dir = process.env.ZOO_DIR
  if (!dir) return () => undefined
  const file = path.join(dir, `answered.${process.pid}`)
  let answered = 0
  let written = -1
  const write = () => {
    if (answered === written) return
    writeFileSync(`${file}.tmp`, String(answered))
    renameSync(`${file}.tmp`, file)
    written = answered
  }
  write()
  setInterval(write, 20).unref()
  return () => {
    answered++
  }
}
