/**
 * The script of report.html, run in the browser: draws every chart of the embedded chart data with uPlot and
 * makes tables sortable. Plain ES2019 with no imports, inlined into the page. It records what it drew in
 * `window.__perfgate` (the browser test reads it) and never throws out of a chart: a failed chart says so in place.
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict'
  var state = { charts: [], failed: [], ready: false }
  window.__perfgate = state
  var css = getComputedStyle(document.documentElement)
  function color(name) { return css.getPropertyValue(name).trim() || '#888' }
  var COLORS = { base: color('--base'), head: color('--head'), other: color('--other') }
  var MUTED = color('--muted'), LINE = color('--line')

  function num(v, digits) {
    return Number(v.toPrecision(digits || 3)).toLocaleString('en-US')
  }
  function fmt(unit, v) {
    if (v === null || v === undefined || !isFinite(v)) return '—'
    switch (unit) {
      case 'us': return v >= 1e6 ? num(v / 1e6) + ' s' : v >= 1000 ? num(v / 1000) + ' ms' : num(v) + ' µs'
      case 'bytes': return v >= 1e9 ? num(v / 1e9) + ' GB' : v >= 1e6 ? num(v / 1e6) + ' MB' : v >= 1e3 ? num(v / 1e3) + ' kB' : num(v) + ' B'
      case 'rps': return num(v) + '/s'
      case 'cpu': return num(v) + '%'
      case 'ratio': return num(v * 100) + '%'
      case 's': return num(v) + ' s'
      case 'percentile': return num(100 - 100 / v, 6) + '%'
      default: return num(v)
    }
  }

  function verticalLines(spec) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height
      ctx.save()
      if (typeof spec.shadeUntil === 'number') {
        var x0 = u.valToPos(u.scales.x.min, 'x', true), x1 = u.valToPos(spec.shadeUntil, 'x', true)
        if (x1 > x0) {
          ctx.fillStyle = LINE
          ctx.globalAlpha = 0.35
          ctx.fillRect(x0, top, x1 - x0, height)
          ctx.globalAlpha = 1
        }
      }
      if (spec.marker) {
        var x = u.valToPos(spec.marker.x, 'x', true)
        ctx.strokeStyle = COLORS.base
        ctx.setLineDash([4, 4])
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke()
        ctx.setLineDash([])
        ctx.fillStyle = MUTED
        ctx.font = '12px system-ui, sans-serif'
        ctx.fillText(spec.marker.label, Math.min(x + 4, u.bbox.left + u.bbox.width - 150), top + 14)
      }
      ctx.restore()
    }
  }

  function draw(spec) {
    var el = document.getElementById('chart-' + spec.id)
    if (!el) throw new Error('no element for chart ' + spec.id)
    var plot = el.querySelector('.plot')
    var width = Math.max(320, Math.min(plot.clientWidth || 520, 1040))
    var right = spec.yUnits.length > 1
    var X_LABELS = { s: 'second', count: 'round', connections: 'connections', percentile: 'percentile' }
    var series = [{ label: X_LABELS[spec.xUnit] || spec.xUnit, value: function (u, v) { return fmt(spec.xUnit, v) } }]
    spec.series.forEach(function (s) {
      series.push({
        label: s.label,
        stroke: COLORS[s.side] || COLORS.other,
        width: 1.5,
        dash: s.dash ? [6, 4] : undefined,
        scale: s.axis === 1 ? 'y2' : 'y',
        spanGaps: false,
        points: { show: !!s.points || spec.x.length < 12, size: s.points ? 8 : 4 },
        paths: s.points ? function () { return null } : undefined,
        value: function (u, v) { return fmt(spec.yUnits[s.axis === 1 ? 1 : 0], v) }
      })
    })
    var axisStyle = { stroke: MUTED, grid: { stroke: LINE, width: 1 }, ticks: { stroke: LINE, width: 1 } }
    var axes = [
      Object.assign({ values: function (u, vals) { return vals.map(function (v) { return fmt(spec.xUnit, v) }) } }, axisStyle),
      Object.assign({ scale: 'y', size: 70, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.yUnits[0], v) }) } }, axisStyle)
    ]
    if (right) axes.push(Object.assign({ scale: 'y2', side: 1, size: 70, grid: { show: false }, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.yUnits[1], v) }) } }, axisStyle))
    var scales = { x: { time: false }, y: { auto: true }, y2: { auto: true } }
    if (spec.xLog) scales.x = { time: false, distr: 3, log: 10 }
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values }))
    var chart = new uPlot({ width: width, height: 240, series: series, axes: axes, scales: scales, legend: { live: true }, hooks: { draw: [verticalLines(spec)] } }, data, plot)
    var drawn = spec.series.reduce(function (n, s) { return n + s.values.filter(function (v) { return v !== null }).length }, 0)
    state.charts.push({ id: spec.id, series: spec.series.length, points: drawn, width: chart.width, height: chart.height })
  }

  function sortable(table) {
    var heads = table.querySelectorAll('thead th')
    heads.forEach(function (th, column) {
      th.tabIndex = 0
      th.title = 'sort'
      function sort() {
        var body = table.tBodies[0]
        var rows = Array.prototype.slice.call(body.rows)
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1
        heads.forEach(function (h) { h.removeAttribute('aria-sort') })
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending')
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column]
          var xs = x.getAttribute('data-sort'), ys = y.getAttribute('data-sort')
          if (xs !== null && ys !== null && xs !== '' && ys !== '') return (Number(xs) - Number(ys)) * dir
          return x.textContent.localeCompare(y.textContent) * dir
        })
        rows.forEach(function (r) { body.appendChild(r) })
      }
      th.addEventListener('click', sort)
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort() })
    })
  }

  var specs = JSON.parse(document.getElementById('perfgate-charts').textContent)
  specs.forEach(function (spec) {
    try { draw(spec) } catch (err) {
      state.failed.push({ id: spec.id, error: String(err) })
      var el = document.getElementById('chart-' + spec.id)
      if (el) el.querySelector('.plot').textContent = 'This chart could not be drawn: ' + err
    }
  })
  document.querySelectorAll('table.sortable').forEach(sortable)
  state.ready = true
})()
`
