// A @grpc/grpc-js server of zoo.Catalog (grpc/catalog.proto) on 127.0.0.1:$PORT; with TLS_CERT and TLS_KEY set,
// over TLS. It counts the calls it answered and prints the count on SIGTERM, then stops (the zoo's clean stop); in
// the zoo it counts them in answered.<pid> too (count.mjs). CPU_US (x (1 + SLOWDOWN)) busy microseconds per Get,
// as the example service's knobs, for compare tests.
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { responseCounter } from './count.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const definition = protoLoader.loadSync(path.join(here, 'grpc', 'catalog.proto'), {
  includeDirs: [path.join(here, 'grpc'), path.join(here, 'grpc', 'common')],
  keepCase: true,
  longs: String
})
const { zoo } = grpc.loadPackageDefinition(definition)
const env = process.env
const cpuUs = Number(env.CPU_US || 0) * (1 + Number(env.SLOWDOWN || 0))
const work = () => {
  const until = performance.now() + cpuUs / 1000
  while (performance.now() < until);
}
let answered = 0
const counted = responseCounter()
const reply = request => ({ item: { id: request.id, name: request.name || 'item' } })
const server = new grpc.Server()
server.addService(zoo.Catalog.service, {
  Get(call, callback) {
    answered++
    counted()
    work()
    if (call.request.missing) callback({ code: grpc.status.NOT_FOUND, details: 'no such item' })
    else callback(null, reply(call.request))
  },
  List(call) {
    answered++
    counted()
    let sent = 0
    const timer = setInterval(() => {
      if (call.cancelled || sent === 3) {
        clearInterval(timer)
        if (!call.cancelled) call.end()
        return
      }
      call.write(reply(call.request))
      sent++
    }, 1)
    call.on('cancelled', () => clearInterval(timer))
  },
  Upload(_call, callback) {
    callback({ code: grpc.status.UNIMPLEMENTED })
  }
})
const credentials = process.env.TLS_CERT
  ? grpc.ServerCredentials.createSsl(null, [
      { cert_chain: readFileSync(process.env.TLS_CERT), private_key: readFileSync(process.env.TLS_KEY) }
    ])
  : grpc.ServerCredentials.createInsecure()
server.bindAsync(`127.0.0.1:${process.env.PORT ?? 50051}`, credentials, (err, port) => {
  if (err) {
    console.error(err.message)
    process.exit(1)
  }
  console.log(`grpc-js listening on ${port}`)
})
process.on('SIGTERM', () => {
  console.log(`answered ${answered}`)
  server.tryShutdown(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
})
