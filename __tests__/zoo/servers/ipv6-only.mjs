// listens on the IPv6 loopback only: 127.0.0.1 refuses
import http from 'node:http'

http.createServer((req, res) => res.end('ok\n')).listen(Number(process.env.PORT), '::1')
