// A @grpc/grpc-js Greeter on 127.0.0.1:$PORT (plaintext): the service examples/grpc/perfgate.yml measures.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

const proto = path.join(path.dirname(fileURLToPath(import.meta.url)), 'proto', 'greeter.proto')
const { greet } = grpc.loadPackageDefinition(protoLoader.loadSync(proto, { keepCase: true, longs: String }))
const server = new grpc.Server()
server.addService(greet.Greeter.service, {
  SayHello: (call, callback) =>
    call.request.name === 'nobody'
      ? callback({ code: grpc.status.NOT_FOUND, details: 'nobody to greet' })
      : callback(null, { message: `hello ${call.request.name} #${call.request.id}` }),
  SayHellos: call => {
    for (let i = 0; i < 3; i++) call.write({ message: `hello ${call.request.name} (${i})` })
    call.end()
  }
})
server.bindAsync(`127.0.0.1:${process.env.PORT ?? 50051}`, grpc.ServerCredentials.createInsecure(), err => {
  if (err) throw err
  console.log('greeter listening')
})
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)))
