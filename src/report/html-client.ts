/**
 * The script of report.html, run in the browser: draws every chart of the embedded chart data with uPlot and
 * makes tables sortable. Plain ES2019 with no imports, inlined into the page. It records what it drew in
 * `window.__perfgate`, and keeps each uPlot instance by chart id in `window.__perfgateCharts` (the browser test reads
 * their data, scales and pixels back). It never throws out of a chart: a failed chart says so in place.
 */
/** The page scripts' number formatting by axis unit (µs, bytes, rates, % CPU, ratios), shared with history.html. */
export const FORMAT_JS = String.raw`
  function num(v, digits) {
    return Number(v.toPrecision(digits || 3)).toLocaleString('en-US')
  }
  function fmt(unit, v) {
    if (v === null || v === undefined || !isFinite(v)) return '—'
    switch (unit) {
      case 'us': return v >= 1e6 ? num(v / 1e6) + ' s' : v >= 1000 ? num(v / 1000) + ' ms' : num(v) + ' µs'
      case 'bytes': return v >= 1e9 ? num(v / 1e9) + ' GB' : v >= 1e6 ? num(v / 1e6) + ' MB' : v >= 1e3 ? num(v / 1e3) + ' kB' : num(v) + ' B'
      case 'rps': case 'rate': return num(v) + '/s'
      case 'cpu': return num(v) + '%'
      case 'ratio': return num(v * 100) + '%'
      case 's': return num(v) + ' s'
      case 'percentile': return num(100 - 100 / v, 6) + '%'
      default: return num(v)
    }
  }
`

export const CLIENT_JS = String.raw`
(function () {
  'use strict'
  var state = { charts: [], failed: [], ready: false }
  var instances = {}
  window.__perfgate = state
  window.__perfgateCharts = instances
  var css = getComputedStyle(document.documentElement)
  function color(name) { return css.getPropertyValue(name).trim() || '#888' }
  var COLORS = { base: color('--base'), head: color('--head'), other: color('--other') }
  var MUTED = color('--muted'), LINE = color('--line'), FG = color('--fg'), BG = color('--bg')

  /** '#0969da' at this opacity, for band fills that keep the lines and points above them readable */
  function translucent(hex, alpha) {
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
    if (!m) return hex
    return 'rgba(' + parseInt(m[1], 16) + ',' + parseInt(m[2], 16) + ',' + parseInt(m[3], 16) + ',' + alpha + ')'
  }

${FORMAT_JS}
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
      ;(spec.dividers || []).forEach(function (at) {
        // between the last x of a group and the first of the next
        var d = u.valToPos(at - 0.5, 'x', true)
        ctx.strokeStyle = MUTED
        ctx.globalAlpha = 0.6
        ctx.setLineDash([2, 3])
        ctx.beginPath(); ctx.moveTo(d, top); ctx.lineTo(d, top + height); ctx.stroke()
        ctx.setLineDash([])
        ctx.globalAlpha = 1
      })
      if (spec.marker) {
        var x = u.valToPos(spec.marker.x, 'x', true)
        ctx.strokeStyle = FG
        ctx.setLineDash([4, 4])
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke()
        ctx.setLineDash([])
        ctx.fillStyle = MUTED
        ctx.font = '12px system-ui, sans-serif'
        // right of the line when the label fits there, else left of it, so it never runs over an axis
        var labelWidth = ctx.measureText(spec.marker.label).width
        var fitsRight = x + 6 + labelWidth <= u.bbox.left + u.bbox.width
        ctx.fillText(spec.marker.label, fitsRight ? x + 6 : Math.max(u.bbox.left, x - 6 - labelWidth), top + 14)
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
    var X_LABELS = { s: 'second', count: 'round', epoch: 'epoch', pair: 'slice pair', connections: 'connections', rate: 'offered rate', percentile: 'percentile' }
    // the legend shows values under the cursor only: away from the chart it lists the series, not a column of dashes
    function legendValue(unit) { return function (u, v) { return v === null || v === undefined ? '' : fmt(unit, v) } }
    var scales = { x: { time: false }, y: { auto: true }, y2: { auto: true } }
    if (spec.xLog) scales.x = { time: false, distr: 3, log: 10 }
    var series = [{ label: X_LABELS[spec.xUnit] || spec.xUnit, value: legendValue(spec.xUnit) }]
    spec.series.forEach(function (s, i) {
      var scale = s.axis === 1 ? 'y2' : 'y'
      if (s.ownScale) {
        scale = 'own' + i
        scales[scale] = { auto: true }
      }
      var unit = s.ownScale || spec.yUnits[s.axis === 1 ? 1 : 0]
      var lone = s.values.filter(function (v) { return v !== null }).length === 1
      series.push({
        label: s.label,
        stroke: COLORS[s.side] || COLORS.other,
        width: s.thin || spec.legendBySide ? 1 : 1.5,
        dash: s.dash ? [6, 4] : s.thin ? [2, 3] : undefined,
        scale: scale,
        spanGaps: false,
        // a series with a single value has no line to draw: its point is drawn as large as a per-round one
        points: { show: !s.thin && (!!s.points || spec.x.length < 12 || lone), size: s.points || lone ? 8 : 4, fill: BG },
        paths: s.points ? function () { return null } : undefined,
        value: legendValue(unit)
      })
    })
    var axisStyle = { stroke: MUTED, grid: { stroke: LINE, width: 1 }, ticks: { stroke: LINE, width: 1 } }
    var axes = [
      Object.assign(
        { values: function (u, vals) { return vals.map(function (v) { return fmt(spec.xUnit, v) }) } },
        spec.xUnit === 'count' || spec.xUnit === 'epoch' || spec.xUnit === 'pair' ? { incrs: [1, 2, 5, 10, 20, 50, 100] } : {},
        // only the listed ticks (the decades of a log axis), so that labels never overlap
        spec.xTicks ? { filter: function (u, splits) { return splits }, splits: function (u) { var lo = u.scales.x.min, hi = u.scales.x.max; return spec.xTicks.filter(function (v) { return v >= lo * 0.999 && v <= hi * 1.001 }) } } : {},
        axisStyle
      ),
      Object.assign({ scale: 'y', size: 70, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.yUnits[0], v) }) } }, axisStyle)
    ]
    if (right) axes.push(Object.assign({ scale: 'y2', side: 1, size: 70, grid: { show: false }, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.yUnits[1], v) }) } }, axisStyle))
    var bands = (spec.bands || []).map(function (b) {
      return { series: [b.upper + 1, b.lower + 1], fill: translucent(COLORS[spec.series[b.upper].side] || COLORS.other, 0.18) }
    })
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values }))
    var chart = new uPlot({ width: width, height: 240, series: series, axes: axes, scales: scales, legend: { show: !spec.legendBySide, live: true }, bands: bands, hooks: { draw: [verticalLines(spec)] } }, data, plot)
    if (spec.legendBySide) sideLegend(spec, chart, plot)
    // a band's edges are drawn, not listed: the legend names the line the band belongs to
    var rows = plot.querySelectorAll('.u-legend .u-series')
    spec.series.forEach(function (s, i) { if (s.thin && rows[i + 1]) rows[i + 1].style.display = 'none' })
    var drawn = spec.series.reduce(function (n, s) { return n + s.values.filter(function (v) { return v !== null }).length }, 0)
    instances[spec.id] = chart
    state.charts.push({ id: spec.id, series: spec.series.length, points: drawn, width: chart.width, height: chart.height })
  }

  /** One legend entry per side (base, head) that shows or hides all of that side's runs. */
  function sideLegend(spec, chart, plot) {
    var legend = document.createElement('div')
    legend.className = 'side-legend'
    ;['base', 'head', 'other'].forEach(function (side) {
      var indexes = []
      spec.series.forEach(function (s, i) { if (s.side === side) indexes.push(i + 1) })
      if (!indexes.length) return
      var runs = {}
      spec.series.forEach(function (s) { if (s.side === side) runs[s.label.replace(/ p(50|99)$/, '')] = true })
      var count = Object.keys(runs).length
      var button = document.createElement('button')
      button.type = 'button'
      button.setAttribute('aria-pressed', 'true')
      button.setAttribute('data-side', side)
      var swatch = document.createElement('span')
      swatch.className = 'swatch'
      swatch.style.background = COLORS[side] || COLORS.other
      button.appendChild(swatch)
      button.appendChild(document.createTextNode(side + ' · ' + count + ' run' + (count === 1 ? '' : 's')))
      button.addEventListener('click', function () {
        var show = button.getAttribute('aria-pressed') !== 'true'
        button.setAttribute('aria-pressed', String(show))
        indexes.forEach(function (i) { chart.setSeries(i, { show: show }) })
      })
      legend.appendChild(button)
    })
    plot.appendChild(legend)
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
          if (xs === null || ys === null) return x.textContent.localeCompare(y.textContent) * dir
          // a numeric column: cells without a number (n/a) stay last in both directions
          if (xs === '' || ys === '') return (xs === '' ? 1 : 0) - (ys === '' ? 1 : 0)
          return (Number(xs) - Number(ys)) * dir
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
