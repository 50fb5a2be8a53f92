/**
 * The preloaded module (CommonJS, Node 20+) that perfgate writes into its profile directory and puts on the
 * service's NODE_OPTIONS as `--require <file>`: every Node process of the service (cluster workers and child
 * processes inherit NODE_OPTIONS) connects to perfgate's control socket (PERFGATE_PROFILE_SOCKET) and, on
 * perfgate's word, starts and stops V8's CPU profiler in-process through node:inspector, and sends the profile back
 * on the same socket. It never keeps the process alive, never throws into it, and does nothing without the socket.
 * It turns off V8's inlining (TurboFan's and Maglev's) in the profiled process: V8's profiles give an inlined
 * function's time to its caller, so a slower function would show as its caller; with inlining off every function
 * keeps its own time (both sides alike; the profiled processes are not the measured ones). With the profile it sends
 * the CPU time its JavaScript thread ran while profiled (Linux: /proc/thread-self/schedstat), for V8 samples by the
 * wall clock: a thread that waits for a CPU keeps its samples, and perfgate scales them to the CPU it really had.
 * Kept as a string so the bundle in dist/ carries it without an asset of its own.
 */
export const PRELOAD_JS = String.raw`'use strict'
;(function () {
  var socketPath = process.env.PERFGATE_PROFILE_SOCKET
  if (!socketPath) return
  var net, inspector
  try {
    net = require('node:net')
    inspector = require('node:inspector')
    require('node:v8').setFlagsFromString('--no-turbo-inlining')
    require('node:v8').setFlagsFromString('--no-maglev-inlining')
  } catch (e) {
    return
  }
  var session = null
  var startedCpu = null
  var buffer = ''
  /** nanoseconds this thread has run, or null off Linux */
  function threadCpu() {
    try {
      return Number(require('node:fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0])
    } catch (e) {
      return null
    }
  }
  var socket = net.createConnection(socketPath)
  socket.unref()
  socket.setEncoding('utf8')
  socket.on('error', function () {})
  socket.on('connect', function () { send({ hello: 1 }) })
  socket.on('data', function (chunk) {
    buffer += chunk
    if (buffer.length > 65536) buffer = ''
    var i
    while ((i = buffer.indexOf('\n')) >= 0) {
      var line = buffer.slice(0, i)
      buffer = buffer.slice(i + 1)
      var message
      try { message = JSON.parse(line) } catch (e) { continue }
      if (message && message.cmd === 'start') start(Number(message.intervalUs) || 1000)
      else if (message && message.cmd === 'stop') stop()
    }
  })
  function send(value) {
    try { socket.write(JSON.stringify(value) + '\n') } catch (e) {}
  }
  function start(intervalUs) {
    if (session) return send({ started: true })
    try {
      session = new inspector.Session()
      session.connect()
    } catch (e) {
      session = null
      return send({ started: false })
    }
    session.post('Profiler.enable', function () {
      session.post('Profiler.setSamplingInterval', { interval: intervalUs }, function () {
        session.post('Profiler.start', function (err) {
          startedCpu = threadCpu()
          send({ started: !err })
        })
      })
    })
  }
  function stop() {
    var current = session
    if (!current) return send({ profile: null })
    session = null
    current.post('Profiler.stop', function (err, result) {
      var cpu = threadCpu()
      try { current.disconnect() } catch (e) {}
      var cpuUs = cpu !== null && startedCpu !== null ? (cpu - startedCpu) / 1000 : null
      send({ profile: err || !result ? null : result.profile, threadCpuUs: cpuUs })
    })
  }
})()
`
