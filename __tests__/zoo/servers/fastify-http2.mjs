// Fastify 5 with http2: true, as its "HTTP2" page starts it without TLS: HTTP/2 in clear text (h2c, prior knowledge)
import Fastify from 'fastify'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const fastify = Fastify({ logger: false, http2: true })
fastify.get('/', async () => {
  answered()
  return { hello: 'world' }
})
await fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
