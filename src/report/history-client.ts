/**
 * The script of the history page, run in the browser: draws each chart with uPlot when it scrolls into view (a
 * store of many scenarios stays quick to open), with the segments' means as steps, their noise band, the size of
 * each step, the PR comparisons, and a tooltip naming the run's commit, subject, date and runner; sorts the table
 * of change points by its buttons. Records what it drew in `window.__perfgateHistory` (the browser test reads it). Plain ES2019, inlined into the page.
 */
export const HISTORY_CLIENT_JS = String.raw`
(function () {
  'use strict'
  var state = { drawn: [], failed: [], ready: false, total: 0 }
  var instances = {}
  window.__perfgateHistory = state
  window.__perfgateHistoryCharts = instances
  var css = getComputedStyle(document.documentElement)
  function color(name) { return css.getPropertyValue(name).trim() || '#888' }
  var HEAD = color('--head'), FAIL = color('--fail'), PASS = color('--pass'), MUTED = color('--muted'), LINE = color('--line'), FG = color('--fg'), OTHER = color('--other')
  /*FORMAT*/
  var data = JSON.parse(document.getElementById('perfgate-history').textContent)
  var tip = document.getElementById('tip')

  function overlay(spec) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height
      function X(v) { return u.valToPos(v, 'x', true) }
      function Y(v) { return u.valToPos(v, 'y', true) }
      ctx.save()
      spec.segments.forEach(function (seg) {
        var x0 = X(seg[0]), x1 = X(Math.max(seg[0], seg[1] - 1)), m = seg[2]
        if (!isFinite(m)) return
        ctx.fillStyle = LINE
        ctx.globalAlpha = 0.35
        var hi = Y(m * (1 + spec.band)), lo = Y(m * (1 - spec.band))
        ctx.fillRect(x0, Math.min(hi, lo), Math.max(1, x1 - x0), Math.abs(lo - hi))
        ctx.globalAlpha = 1
        ctx.strokeStyle = FG
        ctx.lineWidth = 2
        ctx.beginPath(); ctx.moveTo(x0, Y(m)); ctx.lineTo(x1, Y(m)); ctx.stroke()
      })
      ctx.font = '12px system-ui, sans-serif'
      spec.steps.forEach(function (step, i) {
        var before = spec.segments[i], after = spec.segments[i + 1]
        var x = X(step.x - 0.5)
        ctx.strokeStyle = step.worse ? FAIL : PASS
        ctx.lineWidth = 2
        ctx.beginPath(); ctx.moveTo(x, Y(before[2])); ctx.lineTo(x, Y(after[2])); ctx.stroke()
        ctx.setLineDash([3, 3]); ctx.lineWidth = 1
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke(); ctx.setLineDash([])
        ctx.fillStyle = step.worse ? FAIL : PASS
        var w = ctx.measureText(step.label).width
        ctx.fillText(step.label, x + 4 + w <= u.bbox.left + u.bbox.width ? x + 4 : x - 4 - w, top + 14)
      })
      spec.prs.forEach(function (pr) {
        var x = X(pr.x), y = Y(pr.y)
        ctx.fillStyle = OTHER
        ctx.beginPath(); ctx.moveTo(x, y - 6); ctx.lineTo(x + 6, y); ctx.lineTo(x, y + 6); ctx.lineTo(x - 6, y); ctx.closePath(); ctx.fill()
      })
      ctx.restore()
    }
  }

  function hover(series, spec) {
    return function (u) {
      var i = u.cursor.idx
      if (i === null || i === undefined || u.cursor.left < 0) { tip.style.display = 'none'; return }
      var run = spec.x[i], commit = data.commits[series.commitOf[run]] || ['', '', '']
      tip.textContent = ''
      var lines = [commit[0] + '  ' + fmt(spec.unit, spec.y[i]), commit[1], commit[2] + ' · run ' + (run + 1), series.runner]
      lines.forEach(function (text, k) {
        var line = document.createElement(k === 0 ? 'strong' : 'div')
        line.textContent = text
        tip.appendChild(line)
        if (k === 0) tip.appendChild(document.createElement('br'))
      })
      var rect = u.over.getBoundingClientRect()
      tip.style.left = Math.min(window.innerWidth - 370, rect.left + u.cursor.left + 12) + 'px'
      tip.style.top = rect.top + u.cursor.top + 12 + 'px'
      tip.style.display = 'block'
    }
  }

  function draw(series, spec, el) {
    if (!spec.x) spec.x = spec.y.map(function (_, i) { return i })
    var plot = el.querySelector('.plot')
    var width = Math.max(320, Math.min(plot.clientWidth || 520, 1040))
    var ys = spec.y.slice()
    spec.segments.forEach(function (s) { if (isFinite(s[2])) { ys.push(s[2] * (1 + spec.band)); ys.push(s[2] * (1 - spec.band)) } })
    spec.prs.forEach(function (p) { ys.push(p.y) })
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys), pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || (spec.unit === 'ratio' ? 0.01 : 1)
    var opts = {
      width: width, height: 220,
      scales: { x: { time: false }, y: { range: [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad] } },
      legend: { show: false },
      series: [{}, { stroke: HEAD, width: 1, points: { show: spec.x.length <= 300, size: 4, fill: HEAD }, value: function (u, v) { return fmt(spec.unit, v) } }],
      axes: [
        { stroke: MUTED, grid: { stroke: LINE, width: 1 }, ticks: { stroke: LINE, width: 1 }, values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) ? String(v + 1) : '' }) } },
        { stroke: MUTED, size: 70, grid: { stroke: LINE, width: 1 }, ticks: { stroke: LINE, width: 1 }, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.unit, v) }) } }
      ],
      hooks: { draw: [overlay(spec)], setCursor: [hover(series, spec)] }
    }
    var chart = new uPlot(opts, [spec.x, spec.y], plot)
    chart.over.addEventListener('mouseleave', function () { tip.style.display = 'none' })
    instances[spec.id] = chart
    state.drawn.push({ id: spec.id, points: spec.x.length, steps: spec.steps.length, segments: spec.segments.length })
    return chart
  }

  var pending = []
  data.series.forEach(function (series) {
    series.charts.forEach(function (spec) {
      var el = document.getElementById('chart-' + spec.id)
      if (el) pending.push({ series: series, spec: spec, el: el })
    })
  })
  state.total = pending.length
  function drawOne(item) {
    if (item.done) return
    item.done = true
    try { draw(item.series, item.spec, item.el) } catch (err) {
      state.failed.push({ id: item.spec.id, error: String(err) })
      item.el.querySelector('.plot').textContent = 'This chart could not be drawn: ' + err
    }
  }
  if ('IntersectionObserver' in window) {
    var byEl = new Map(pending.map(function (p) { return [p.el, p] }))
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { drawOne(byEl.get(e.target)); observer.unobserve(e.target) }
      })
    }, { rootMargin: '400px' })
    pending.forEach(function (p) { observer.observe(p.el) })
  } else pending.forEach(drawOne)
  window.__perfgateDrawAll = function () { pending.forEach(drawOne) }

  // the change-point table: each sort button orders the rows by its column's data-sort (numbers) or text, the
  // first press in the column's natural direction (data-first), the next the other way; aria-sort says which
  var table = document.getElementById('changes')
  if (table && table.tBodies.length) {
    var heads = Array.prototype.slice.call(table.querySelectorAll('thead th'))
    heads.forEach(function (th, column) {
      var button = th.querySelector('button[data-first]')
      if (!button) return
      button.addEventListener('click', function () {
        var current = th.getAttribute('aria-sort')
        var dir = current ? (current === 'ascending' ? 'descending' : 'ascending') : button.getAttribute('data-first')
        heads.forEach(function (h) { h.removeAttribute('aria-sort') })
        th.setAttribute('aria-sort', dir)
        var sign = dir === 'ascending' ? 1 : -1
        var body = table.tBodies[0]
        var rows = Array.prototype.slice.call(body.rows)
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column]
          var xs = x.getAttribute('data-sort'), ys = y.getAttribute('data-sort')
          var order = xs !== null && ys !== null ? Number(xs) - Number(ys) : x.textContent.localeCompare(y.textContent)
          return order * sign || Number(a.getAttribute('data-rank')) - Number(b.getAttribute('data-rank'))
        })
        rows.forEach(function (r) { body.appendChild(r) })
      })
    })
  }
  state.ready = true
})()
`
