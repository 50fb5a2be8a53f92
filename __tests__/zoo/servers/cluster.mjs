// node:cluster as its docs: a primary that forks 2 workers sharing one port; no signal handler anywhere
import cluster from 'node:cluster'
import http from 'node:http'
import { responseCounter } from './count.mjs'

if (cluster.isPrimary) {
  for (let i = 0; i < 2; i++) cluster.fork()
} else {
  const answered = responseCounter()
  http
    .createServer((req, res) => {
      answered()
      res.writeHead(200)
      res.end('hello world\n')
    })
    .listen(Number(process.env.PORT), '127.0.0.1')
}
