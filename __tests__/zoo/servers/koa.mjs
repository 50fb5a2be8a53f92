// Koa, as its README's hello world
import Koa from 'koa'

const app = new Koa()
app.use(async ctx => {
  ctx.body = 'Hello World'
})
app.listen(Number(process.env.PORT), '127.0.0.1')
