// Express 5, as its "Hello world" example
import express from 'express'

const app = express()
app.get('/', (req, res) => {
  res.send('Hello World!')
})
app.listen(Number(process.env.PORT), '127.0.0.1')
