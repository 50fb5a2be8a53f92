// Express 5, as its "Hello world" example
import express from 'express'
import { responseCounter } from './count.mjs'

const answered = responseCounter()

const app = express()
app.get('/', (req, res) => {
  answered()
  res.send('Hello World!')
})
app.listen(Number(process.env.PORT), '127.0.0.1')
