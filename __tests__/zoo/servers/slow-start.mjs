// takes 5 s before it listens
import http from 'node:http'

const server = http.createServer((req, res) => res.end('ok\n'))
setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), 5000)
