/**
 * report.html's CPU profile sections (one per profiled scenario): the table of functions whose CPU per request grew (or the head's top
 * functions), and a differential icicle of the merged call tree (model/profile.ts's FlameNode): widths by the
 * selected side's CPU per request, colour by the change from base to head (red: more in the head, blue: less),
 * searchable, a click zooms into a call path. Drawn by a small inline script, like html-client.ts: plain ES2019,
 * no imports, text set through textContent only (function names are untrusted).
 */
import { formatDuration } from '../config/format.js'
import type { ProfileReport } from '../model/profile.js'
import type { Report } from '../model/report.js'
import { functionName, functionPlace, NO_CHANGE, profileHeadline } from './cpu-profile.js'

const esc = (text: unknown) =>
  String(text).replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  )

export const FLAME_STYLE = `
.flame-controls { display: flex; gap: 12px; align-items: center; margin: 8px 0; font-size: 13px; }
.flame-controls input[type=search] { font: inherit; padding: 2px 6px; min-width: 220px; }
.flame { position: relative; overflow: hidden; border: 1px solid var(--line); font: 11px/16px ui-monospace, monospace; }
.flame div { position: absolute; height: 16px; box-sizing: border-box; border: 1px solid var(--bg); overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding: 0 3px; cursor: pointer; color: #1f2328; }
.flame div.dim { opacity: 0.25; } .flame div.hit { outline: 2px solid var(--fg); }
.flame-detail { min-height: 20px; font-size: 12px; }
`

/** The page's profile sections, one per profiled scenario, and the icicles' script (once). */
export function flameSection(report: Report): string {
  const profiles = report.profiles ?? []
  const sections = profiles.map((p, i) => profileSection(p, i === 0 ? '' : `-${i + 1}`))
  const drawn = profiles.some(p => p.flame)
  return (
    sections.join('') + (drawn ? `<script>${FLAME_JS.replace(/<\/script/gi, '<\\/script')}</script>` : '')
  )
}

/** One profile's table and icicle; `suffix` keeps the ids of the page's later profiles apart. */
function profileSection(profile: ProfileReport, suffix: string): string {
  const rows =
    profile.mode === 'compare'
      ? profile.increased
          .map(
            c =>
              `<tr><td><code>${esc(functionName(c.frame))}</code></td><td class="num">${esc(formatDuration(c.base.selfUs))} → ${esc(formatDuration(c.head.selfUs))}</td><td class="num">+${esc(formatDuration(c.changeUs))} (${esc(formatDuration(c.lowUs))} .. ${esc(formatDuration(c.highUs))})</td><td><code>${esc(functionPlace(c.frame))}</code></td></tr>`
          )
          .join('')
      : profile.top
          .map(
            t =>
              `<tr><td><code>${esc(functionName(t.frame))}</code></td><td class="num">${esc(formatDuration(t.selfUs))}</td><td class="num">${esc(formatDuration(t.totalUs))}</td><td><code>${esc(functionPlace(t.frame))}</code></td></tr>`
          )
          .join('')
  const head =
    profile.mode === 'compare'
      ? '<th>function</th><th>base → head, per request</th><th>change (interval)</th><th>where</th>'
      : '<th>function</th><th>self, per request</th><th>total, per request</th><th>where</th>'
  const title =
    profile.mode === 'compare'
      ? 'Where the head spends more CPU per request'
      : 'Where the head spends its CPU'
  const table =
    rows || profile.mode === 'run'
      ? `<table class="profile-functions"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`
      : `<p id="profile-none${suffix}">${esc(NO_CHANGE)}.</p>`
  const sides = profile.base
    ? `<label>width: <select id="flame-side${suffix}"><option value="head">head</option><option value="base">base</option></select></label>`
    : ''
  const flame = profile.flame
    ? `<div class="flame-controls"><input type="search" id="flame-search${suffix}" placeholder="search functions">${sides}<button type="button" id="flame-reset${suffix}">reset zoom</button><span class="muted">colour: the change of a function's own CPU per request, red more in the head, blue less</span></div>
<div class="flame" id="flame${suffix}"></div><div id="flame-detail${suffix}" class="muted flame-detail"></div>
<script type="application/json" id="perfgate-flame${suffix}" data-flame="${suffix}">${JSON.stringify({ frames: profile.frames, root: profile.flame }).replace(/</g, '\\u003c')}</script>`
    : ''
  return `<h2 id="profile${suffix}">${esc(title)}</h2><p class="muted">${esc(profileHeadline(profile))}</p>${table}${profile.notes.map(n => `<p class="muted">${esc(n)}</p>`).join('')}${flame}`
}

/** The icicle: draws `root` (FlameNode) into #flame; records what it drew in window.__perfgateFlame. */
export const FLAME_JS = String.raw`
(function () {
  'use strict'
  window.__perfgateFlames = {}
  var blocks = document.querySelectorAll('script[data-flame]')
  for (var b = 0; b < blocks.length; b++) icicle(blocks[b].getAttribute('data-flame') || '', blocks[b])
  function icicle(suffix, dataElement) {
    var data = JSON.parse(dataElement.textContent)
    var box = document.getElementById('flame' + suffix)
    var detail = document.getElementById('flame-detail' + suffix)
    var search = document.getElementById('flame-search' + suffix)
    var sideSelect = document.getElementById('flame-side' + suffix)
    var state = { side: 'head', zoom: data.root, query: '', drawn: 0, hits: 0 }
    window.__perfgateFlames[suffix] = state
    if (!suffix) window.__perfgateFlame = state
    var ROW = 16
    function name(node) {
      var f = data.frames[node.frame]
      return f.package ? f.name + ' (' + f.package + ')' : f.name
    }
    function place(node) {
      var f = data.frames[node.frame]
      var where = f.file || f.url
      return where ? where + (f.line ? ':' + f.line : '') : 'native'
    }
    function us(v) {
      return v >= 1000 ? (v / 1000).toPrecision(3) + ' ms' : v.toPrecision(3) + ' µs'
    }
    /** a node's own time (its total less its children's) on one side */
    function self(node, side) {
      var own = node[side]
      for (var i = 0; i < node.children.length; i++) own -= node.children[i][side]
      return Math.max(0, own)
    }
    /**
     * red where the head spends more of its own CPU per request, blue less, pale for none: by the change of the
     * node's own time, so the colour sits on the function that changed, not on every caller above it
     */
    function colour(node) {
      var top = Math.max(data.root.base, data.root.head) || 1
      var change = Math.max(-1, Math.min(1, ((self(node, 'head') - self(node, 'base')) / top) * 5))
      var fade = 235 - Math.round(Math.abs(change) * 200)
      return change >= 0
        ? 'rgb(255,' + fade + ',' + fade + ')'
        : 'rgb(' + fade + ',' + fade + ',255)'
    }
    function draw() {
      while (box.firstChild) box.removeChild(box.firstChild)
      state.drawn = 0
      state.hits = 0
      var width = box.clientWidth || 1000
      var total = state.zoom[state.side] || 1
      var depth = 0
      function visit(node, x, level) {
        var value = node[state.side]
        var w = (value / total) * width
        if (w < 1) return
        depth = Math.max(depth, level + 1)
        var el = document.createElement('div')
        el.style.left = x + 'px'
        el.style.top = level * ROW + 'px'
        el.style.width = w + 'px'
        el.style.background = colour(node)
        el.textContent = name(node)
        el.title = name(node) + '  ' + place(node) + '\nbase ' + us(node.base) + ' -> head ' + us(node.head) + ' per request'
        if (state.query) {
          if (name(node).toLowerCase().indexOf(state.query) >= 0) {
            el.className = 'hit'
            state.hits++
          } else el.className = 'dim'
        }
        el.addEventListener('click', function () {
          state.zoom = node
          draw()
        })
        el.addEventListener('mouseenter', function () {
          detail.textContent = name(node) + ' at ' + place(node) + ': base ' + us(node.base) + ', head ' + us(node.head) + ' per request'
        })
        box.appendChild(el)
        state.drawn++
        var at = x
        for (var i = 0; i < node.children.length; i++) {
          var child = node.children[i]
          visit(child, at, level + 1)
          at += (child[state.side] / total) * width
        }
      }
      visit(state.zoom, 0, 0)
      box.style.height = depth * ROW + 'px'
    }
    if (search) search.addEventListener('input', function () {
      state.query = search.value.trim().toLowerCase()
      draw()
    })
    if (sideSelect) sideSelect.addEventListener('change', function () {
      state.side = sideSelect.value
      draw()
    })
    document.getElementById('flame-reset' + suffix).addEventListener('click', function () {
      state.zoom = data.root
      draw()
    })
    window.addEventListener('resize', draw)
    draw()
  }
})()
`
