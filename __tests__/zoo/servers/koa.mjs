// Koa, as its README's hello world
import Koa from 'koa'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const app = new Koa()
app.use(async ctx => {
  answered()
  ctx.body = 'Hello World'
})
app.listen(Number(process.env.PORT), '127.0.0.1')
