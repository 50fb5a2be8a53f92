// misbehaving: SIGTERM is caught and ignored, so only SIGKILL stops it
import http from 'node:http'

process.on('SIGTERM', () => console.log('SIGTERM ignored'))
http.createServer((req, res) => res.end('ok\n')).listen(Number(process.env.PORT), '127.0.0.1')
