// A service that writes into perfgate's profile channel on its own: lines that are not perfgate's protocol, a
// made-up "profile" before it was asked, paths and pids. perfgate must ignore all of it.
'use strict' /* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS service */
const http = require('node:http')
const net = require('node:net')
const rogue = net.createConnection(process.env.PERFGATE_PROFILE_SOCKET)
rogue.on('error', () => undefined)
rogue.on('connect', () => {
  rogue.write('hello\n')
  rogue.write(JSON.stringify({ profile: { nodes: [] }, path: '/etc/passwd', pid: 1 }) + '\n')
  rogue.write(Buffer.from([0, 255, 10, 1, 2, 10]))
  rogue.write('[1,2,3]\n')
})
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')
