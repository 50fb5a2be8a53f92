// Fastify 5, as its "Getting started" page
import Fastify from 'fastify'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const fastify = Fastify({ logger: false })
fastify.get('/', async () => {
  answered()
  return { hello: 'world' }
})
await fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
