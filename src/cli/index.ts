#!/usr/bin/env node
import { main } from './main.js'
import { stopAllServices } from '../service/spawn.js'

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    process.stderr.write(`\nperfgate: ${signal} received, stopping the services it started\n`)
    void stopAllServices().finally(() => process.exit(130))
  })
}

process.exitCode = await main(process.argv.slice(2))
