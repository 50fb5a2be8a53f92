// The service of bench:profile and of the profile fixtures: a node:http handler doing a fixed amount of CPU work per
// request (baseWork), and, when ADDED_US is set, one more named function (addedWork) costing that much more. With
// ADDED_FROM=<module> the added function comes from that module (a package under node_modules); WORKERS=2 makes it
// a cluster of two workers. The work is a hash loop with no calls, so its time is the function's own (self) time.
'use strict' /* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, as a service's packages are */
const http = require('node:http')
const cluster = require('node:cluster')
const env = process.env
const ITERATIONS_PER_US = Number(env.ITERATIONS_PER_US || 600)
const BASE_ITERATIONS = Math.round(Number(env.BASE_US || 300) * ITERATIONS_PER_US)
const ADDED_ITERATIONS = Math.round(Number(env.ADDED_US || 0) * ITERATIONS_PER_US)
const WORKERS = Number(env.WORKERS || 0)

let sink = 0
function baseWork(iterations) {
  let x = sink
  for (let i = 0; i < iterations; i++) x = (Math.imul(x ^ i, 2654435761) + 0x9e3779b9) | 0
  sink = x
}
function addedWork(iterations) {
  let x = sink
  for (let i = 0; i < iterations; i++) x = (Math.imul(x ^ i, 2246822519) + 0x7f4a7c15) | 0
  sink = x
}
const added = env.ADDED_FROM ? require(env.ADDED_FROM).addedWork : addedWork

function handler(req, res) {
  baseWork(BASE_ITERATIONS)
  if (ADDED_ITERATIONS) added(ADDED_ITERATIONS)
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end(String(sink & 1))
}

if (WORKERS > 0 && cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork()
  let ready = 0
  cluster.on('listening', () => {
    if (++ready === WORKERS) console.log('ready')
  })
} else {
  http.createServer(handler).listen(Number(env.PORT), '127.0.0.1', () => {
    if (!cluster.isWorker) console.log('ready')
  })
}

module.exports = { addedWork }
