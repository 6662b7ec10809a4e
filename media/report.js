// The Autoload Lens report page. Data arrives as a JSON message; every string from a trace or a source is put in
// the page with textContent or as an SVG <title>'s text, never parsed as HTML, and arrives escaped (reportPanel.ts).
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const app = document.getElementById('app');
  let data = null;
  /** The data drawn, as JSON: the same results posted again (the tab revealed, a section asked for) are not redrawn. */
  let drawn = '';
  /** Finding groups the reader opened or closed, by rule: a redraw with new results keeps them so. */
  const groupOpen = new Map();
  let zoom = (vscode.getState() && vscode.getState().zoom) || 1;
  /** Rows of the requests table; the timeline draws every request the extension sent. */
  const MAX_ROWS = 2000;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(c);
    return node;
  }

  function titled(node, text) {
    const t = document.createElementNS(SVG, 'title');
    t.textContent = text;
    node.append(t);
    return node;
  }

  function reveal(index) {
    vscode.postMessage({ type: 'reveal', index });
  }

  // A mark, a finding or a row that reveals its place when clicked or activated from the keyboard.
  function onActivate(node, go) {
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
    node.addEventListener('click', go);
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        go();
      }
    });
    return node;
  }

  function clickable(node, index) {
    return onActivate(node, () => reveal(index));
  }

  function clickableSource(node, loc) {
    return onActivate(node, () =>
      vscode.postMessage({ type: 'revealSource', file: loc.file, line: loc.line, column: loc.column }),
    );
  }

  function card(label, value, cls) {
    return el(
      'div',
      { class: 'card ' + (cls || '') },
      el('div', { class: 'value' }, String(value)),
      el('div', { class: 'label' }, label),
    );
  }

  function renderSummary(d) {
    const section = el('section', { class: 'summary' });
    const head = el('header');
    head.append(el('h1', {}, 'Autoload Lens report'));
    if (d.trace) {
      head.append(
        el(
          'p',
          { class: 'muted' },
          `${d.trace.file} — ${d.trace.format}, ${d.trace.lines} lines, ${d.trace.events} events, ${d.trace.skippedLines} skipped, ${d.trace.warningCount} warnings`,
        ),
      );
    }
    head.append(
      el('p', { class: 'muted' }, `modules: ${d.modulesDir || 'none'} · sources: ${d.sourceRoot || 'not scanned'}`),
    );
    section.append(head);
    const cards = el('div', { class: 'cards' });
    if (d.summary) {
      cards.append(
        card('requests', d.summary.requests),
        card('distinct names', d.summary.distinctNames),
        card('loads', d.summary.loads),
        card('frees', d.summary.frees),
      );
      for (const [rule, n] of Object.entries(d.summary.findings))
        cards.append(card(d.rules[rule] || rule, n, n > 0 ? 'warn' : ''));
    }
    if (d.scan) {
      cards.append(
        card('call sites', d.scan.callSites),
        card('wrappers', d.scan.wrappers),
        card('alias declarations', d.scan.aliases),
        card('source findings', d.scan.findings, d.scan.findings > 0 ? 'warn' : ''),
      );
    }
    section.append(cards);
    return section;
  }

  function niceStep(span, target) {
    const raw = span / target;
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
    return 10 * pow;
  }

  function classOf(r) {
    if (r.duplicateOf !== null) return 'dup';
    if (r.loadedModules.length > 0) return 'loaded';
    if (r.outcome === 'nothing-loaded') return 'nothing';
    return 'other';
  }

  function drawTimeline(d, width) {
    const reqs = d.requests;
    const t0 = Math.min(...reqs.map((r) => r.time));
    const t1 = Math.max(...reqs.map((r) => Math.max(r.time, r.completedAt)));
    const span = Math.max(t1 - t0, 1e-3);
    const left = 40,
      right = 16,
      top = 8,
      concH = 56,
      laneH = 9,
      axisH = 22;
    const plotW = width - left - right;
    const X = (t) => left + ((t - t0) / span) * plotW;

    // Lanes: a request takes the first lane free at its start (in pixels, so marks never overlap).
    const laneEnds = [];
    const placed = reqs.map((r) => {
      const x0 = X(r.time);
      const x1 = Math.max(X(Math.max(r.completedAt, r.time)), x0 + 7);
      let lane = laneEnds.findIndex((end) => end <= x0 - 2);
      if (lane < 0) {
        lane = laneEnds.length;
        laneEnds.push(0);
      }
      laneEnds[lane] = x1;
      return { r, x0, x1, lane };
    });
    const lanesTop = top + concH + axisH;
    const height = lanesTop + laneEnds.length * laneH + 10;
    const root = svg('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      class: 'timeline',
      role: 'img',
      'aria-label': 'Module requests over time',
    });

    // Concurrency: requests in flight over time (a request is in flight until it completed).
    const steps = [];
    for (const r of reqs) {
      steps.push([r.time, 1]);
      steps.push([Math.max(r.completedAt, r.time), -1]);
    }
    steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const levels = [];
    let level = 0;
    for (const [t, delta] of steps) levels.push([t, (level += delta)]);
    const maxLevel = Math.max(1, ...levels.map((l) => l[1]));
    const Y = (n) => top + concH - (n / maxLevel) * (concH - 4);
    let path = `M ${X(t0)} ${Y(0)}`;
    let previous = 0;
    for (const [t, n] of levels) {
      path += ` L ${X(t)} ${Y(previous)} L ${X(t)} ${Y(n)}`;
      previous = n;
    }
    root.append(svg('rect', { x: left, y: top, width: plotW, height: concH, class: 'conc-bg' }));
    root.append(titled(svg('path', { d: path, class: 'conc' }), `requests in flight (max ${maxLevel})`));
    root.append(
      svg('text', { x: left - 4, y: top + 10, class: 'axis-label end' }, document.createTextNode(String(maxLevel))),
    );
    root.append(svg('text', { x: left + 4, y: top + 12, class: 'axis-label' }, document.createTextNode('in flight')));

    // Time axis.
    const step = niceStep(span, Math.max(2, Math.floor(plotW / 90)));
    const axisY = top + concH + 14;
    for (let t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
      const x = X(t);
      root.append(svg('line', { x1: x, x2: x, y1: top, y2: height - 6, class: 'grid' }));
      root.append(
        svg('text', { x, y: axisY, class: 'axis-label middle' }, document.createTextNode(`${Number(t.toFixed(3))} s`)),
      );
    }

    // Requests: a bar from request to completion, the start marked (a diamond for nowait), a load mark at the end.
    for (const { r, x0, x1, lane } of placed) {
      const y = lanesTop + lane * laneH + laneH / 2;
      const g = clickable(svg('g', { class: `mark ${classOf(r)}`, 'data-index': r.index }), r.index);
      g.append(svg('line', { x1: x0, x2: x1, y1: y, y2: y, class: 'bar' }));
      if (r.wait) g.append(svg('circle', { cx: x0, cy: y, r: 3.2, class: 'start' }));
      else
        g.append(
          svg('path', {
            d: `M ${x0} ${y - 4} L ${x0 + 4} ${y} L ${x0} ${y + 4} L ${x0 - 4} ${y} Z`,
            class: 'start nowait',
          }),
        );
      if (r.loadedModules.length > 0) {
        const lx = Math.max(X(r.completedAt), x0 + 4);
        g.append(svg('rect', { x: lx - 2.5, y: y - 2.5, width: 5, height: 5, class: 'load' }));
      }
      const lines = [
        `${r.name} (wait=${r.wait ? 1 : 0})`,
        `${r.time.toFixed(6)} s → ${r.completedAt.toFixed(6)} s, ${r.task}-${r.pid}, trace line ${r.line}`,
        `outcome: ${r.outcome}${r.loadedModules.length ? `, loaded ${r.loadedModules.join(', ')}` : ''}`,
        r.duplicateOf !== null ? `duplicate of request #${r.duplicateOf}` : '',
        r.callSite ? `call site: ${r.callSite}` : '',
      ].filter(Boolean);
      titled(g, lines.join('\n'));
      root.append(g);
    }
    return root;
  }

  function renderTimeline(d) {
    const section = el('section', { class: 'timeline-section' });
    section.append(el('h2', {}, 'Timeline'));
    if (d.omittedRequests > 0)
      section.append(
        el(
          'p',
          { class: 'muted' },
          `Showing the first ${d.requests.length} requests; ${d.omittedRequests} later ones are not drawn.`,
        ),
      );
    if (d.requests.length === 0) {
      section.append(
        el(
          'p',
          { class: 'empty' },
          d.summary ? 'The trace has no module requests.' : 'Replay a trace to see its requests over time.',
        ),
      );
      return section;
    }
    const legend = el('div', { class: 'legend' });
    for (const [cls, text] of [
      ['loaded', 'loaded a module'],
      ['nothing', 'loaded nothing'],
      ['dup', 'duplicate'],
      ['other', 'built-in / already loaded / unknown'],
      ['nowait', 'nowait (diamond)'],
      ['load', 'module_load'],
    ]) {
      legend.append(el('span', { class: `key ${cls}` }, el('i'), text));
    }
    const slider = el('input', {
      type: 'range',
      min: '1',
      max: '60',
      step: '1',
      value: String(zoom),
      'aria-label': 'Zoom the timeline',
    });
    const controls = el('div', { class: 'controls' }, el('label', {}, 'Zoom ', slider), legend);
    const scroller = el('div', { class: 'scroller' });
    const draw = () => {
      const width = Math.max(320, (scroller.clientWidth || 900) - 4) * zoom;
      scroller.replaceChildren(drawTimeline(d, width));
    };
    slider.addEventListener('input', () => {
      const centre = (scroller.scrollLeft + scroller.clientWidth / 2) / scroller.scrollWidth;
      zoom = Number(slider.value);
      vscode.setState({ zoom });
      draw();
      scroller.scrollLeft = centre * scroller.scrollWidth - scroller.clientWidth / 2;
    });
    section.append(controls, scroller);
    requestAnimationFrame(draw);
    return section;
  }

  // A request chain as a flame chart: a bar per request from when it was made until its last module loaded (or, for
  // one that loaded nothing, a short bar at its time), each row a level below the row of the request it was made for.
  function drawChain(c, byIndex, width) {
    const reqs = c.requests.map((i) => byIndex.get(i)).filter((r) => r !== undefined);
    if (reqs.length === 0) return el('p', { class: 'muted' }, 'Its requests are past those the page draws.');
    const depthOf = new Map();
    for (const r of reqs)
      depthOf.set(r.index, r.index === c.root || !depthOf.has(r.causedBy) ? 0 : depthOf.get(r.causedBy) + 1);
    const t0 = Math.min(...reqs.map((r) => r.time));
    const t1 = Math.max(...reqs.map((r) => Math.max(r.time, r.completedAt)));
    const span = Math.max(t1 - t0, 1e-3);
    const left = 8,
      right = 8,
      top = 4,
      rowH = 18,
      axisH = 16;
    const plotW = width - left - right;
    const X = (t) => left + ((t - t0) / span) * plotW;
    // Within a level, a bar takes the first lane free at its start, so bars never overlap.
    const lanes = [];
    const placed = reqs.map((r) => {
      const depth = depthOf.get(r.index);
      const x0 = X(r.time);
      // Wide enough to click, for a request that loaded nothing.
      const x1 = Math.max(X(Math.max(r.completedAt, r.time)), x0 + 6);
      const ends = (lanes[depth] = lanes[depth] || []);
      let lane = ends.findIndex((end) => end <= x0);
      if (lane < 0) {
        lane = ends.length;
        ends.push(0);
      }
      ends[lane] = x1 + 1;
      return { r, depth, lane, x0, x1 };
    });
    const rowOf = [];
    let rows = 0;
    for (let d = 0; d < lanes.length; d++) {
      rowOf[d] = rows;
      rows += (lanes[d] || []).length;
    }
    const height = top + rows * rowH + axisH;
    const root = svg('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      class: 'chain',
      role: 'img',
      'aria-label': `Request chain of ${c.name}`,
    });
    for (const { r, depth, lane, x0, x1 } of placed) {
      const y = top + (rowOf[depth] + lane) * rowH;
      const g = clickable(svg('g', { class: `bar ${classOf(r)}`, 'data-index': r.index }), r.index);
      g.append(svg('rect', { x: x0, y, width: x1 - x0, height: rowH - 3, rx: 2 }));
      // The name where it fits: about 6.5 px a character at the page's font size.
      const room = Math.floor((x1 - x0 - 6) / 6.5);
      if (room >= 3) {
        const name = r.name;
        g.append(
          svg(
            'text',
            { x: x0 + 3, y: y + rowH - 7 },
            document.createTextNode(name.length <= room ? name : `${name.slice(0, room - 1)}…`),
          ),
        );
      }
      titled(
        g,
        [
          `${r.name} — ${r.task}-${r.pid}${r.initOf ? `, ${r.initOf}'s init` : ''}, trace line ${r.line}`,
          `+${(r.time - t0).toFixed(6)} s → +${(Math.max(r.completedAt, r.time) - t0).toFixed(6)} s`,
          `outcome: ${r.outcome}${r.loadedModules.length ? `, loaded ${r.loadedModules.join(', ')}` : ''}`,
          r.callSite ? `call site: ${r.callSite}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
      root.append(g);
    }
    root.append(
      svg('text', { x: left, y: height - 3, class: 'axis-label' }, document.createTextNode(`${t0.toFixed(6)} s`)),
    );
    root.append(
      svg(
        'text',
        { x: width - right, y: height - 3, class: 'axis-label end' },
        document.createTextNode(`+${span.toFixed(6)} s`),
      ),
    );
    return root;
  }

  function renderChains(d) {
    const section = el('section', { id: 'chains', class: 'chains-section' });
    section.append(el('h2', {}, `Request chains (${d.chainCount})`));
    if (d.chainCount === 0) {
      section.append(
        el(
          'p',
          { class: 'empty' },
          d.summary
            ? 'No request was made on behalf of another.'
            : 'Replay a trace to see which requests were made on behalf of others.',
        ),
      );
      return section;
    }
    section.append(
      el(
        'p',
        { class: 'muted' },
        "Each bar is a request, from when it was made until its module loaded, under the request it was made for: by the init of the module its modprobe loaded, or by the crypto manager's threads. Click a bar to reveal its trace line and call site.",
      ),
    );
    if (d.chainCount > d.chains.length)
      section.append(
        el(
          'p',
          { class: 'muted' },
          `Showing the first ${d.chains.length} chains; all ${d.chainCount} are in the exported report.`,
        ),
      );
    const byIndex = new Map(d.requests.map((r) => [r.index, r]));
    const list = el('div', { class: 'chains' });
    section.append(list);
    const draw = () => {
      const width = Math.max(320, (list.clientWidth || 900) - 4);
      list.replaceChildren(
        ...d.chains.map((c) => {
          const head = el(
            'div',
            { class: 'chain-head' },
            el('span', { class: 'chain-name' }, c.name),
            el(
              'span',
              { class: 'muted' },
              ` — ${c.requestCount} requests, ${c.depth} ${c.depth === 1 ? 'level' : 'levels'} deep, last ${c.modules.length ? 'load' : 'request'} after ${c.seconds.toFixed(6)} s${c.modules.length ? `; loaded ${c.modules.join(', ')}` : ''}`,
            ),
          );
          return el('div', { class: 'chain-block', 'data-root': c.root }, head, drawChain(c, byIndex, width));
        }),
      );
    };
    requestAnimationFrame(draw);
    return section;
  }

  // Findings grouped by rule; long groups start folded so the requests table stays in reach.
  function renderFindings(d) {
    const section = el('section');
    section.append(el('h2', {}, `Findings (${d.findings.length})`));
    if (d.findings.length === 0) {
      section.append(el('p', { class: 'empty' }, 'No findings.'));
      return section;
    }
    const byRule = new Map();
    for (const f of d.findings) {
      if (!byRule.has(f.rule)) byRule.set(f.rule, []);
      byRule.get(f.rule).push(f);
    }
    for (const [rule, list] of byRule) {
      const open = groupOpen.has(rule) ? groupOpen.get(rule) : list.length <= 12;
      const group = el('details', open ? { open: '' } : {});
      const summary = el('summary', {}, `${d.rules[rule] || rule} (${list.length})`);
      // A click toggles the group after this handler: what it will be is the opposite of what it is.
      summary.addEventListener('click', () => groupOpen.set(rule, !group.open));
      group.append(summary);
      const ul = el('ul', { class: 'findings' });
      for (const f of list) {
        const item = el(
          'li',
          { class: `finding ${f.severity}` },
          el('span', { class: 'rule' }, f.severity),
          el('span', { class: 'message' }, f.message),
          el('span', { class: 'where' }, f.where || ''),
        );
        if (f.requests.length > 0)
          clickable(item, f.requests[f.requests.length > 1 && f.rule === 'duplicate-request' ? 1 : 0]);
        else if (f.source) clickableSource(item, f.source);
        ul.append(item);
      }
      group.append(ul);
      section.append(group);
    }
    return section;
  }

  function renderRequests(d) {
    const section = el('section');
    section.append(el('h2', {}, `Requests (${d.requests.length + d.omittedRequests})`));
    if (d.requests.length === 0) return section;
    const shown = d.requests.slice(0, MAX_ROWS);
    const left = d.requests.length + d.omittedRequests - shown.length;
    if (left > 0)
      section.append(
        el(
          'p',
          { class: 'muted' },
          `The first ${shown.length} requests; ${left} more are in the Trace Requests view and the exported report.`,
        ),
      );
    const table = el('table', { class: 'requests' });
    table.append(
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['time (s)', 'name', 'wait', 'outcome', 'resolves to', 'loaded', 'task', 'call site'].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
    );
    const body = el('tbody');
    for (const r of shown) {
      const row = clickable(
        el(
          'tr',
          { class: classOf(r) },
          el('td', { class: 'num' }, r.time.toFixed(6)),
          el('td', {}, r.name + (r.duplicateOf !== null ? ' (duplicate)' : '')),
          el('td', {}, r.wait ? '1' : '0'),
          el('td', {}, r.outcome),
          el('td', {}, r.resolvesTo.join(', ')),
          el('td', {}, r.loadedModules.join(', ')),
          el('td', {}, `${r.task}-${r.pid}`),
          el('td', {}, r.callSite || ''),
        ),
        r.index,
      );
      body.append(row);
    }
    table.append(body);
    section.append(table);
    return section;
  }

  // The diff with an earlier boot: two timelines (BASE above, NEW below) on one axis of seconds from each trace's first
  // event, a mark per name at its first request, added and removed marked; then what differs, name by name.
  const CHANGE_TEXT = {
    added: 'added (NEW only)',
    removed: 'removed (BASE only)',
    changed: 'changed',
    same: 'the same',
  };

  function drawDiffTimelines(diff, width) {
    const names = diff.names;
    const times = names.flatMap((n) => [n.baseTime, n.newTime]).filter((t) => t !== null);
    const span = Math.max(1e-3, ...times);
    const left = 48,
      right = 16,
      top = 6,
      rowH = 9,
      axisH = 20,
      gap = 10;
    const plotW = width - left - right;
    const X = (t) => left + (t / span) * plotW;
    // Within a timeline, in time order, a mark takes the first row free at its place (in pixels, so marks never overlap).
    const pack = (key) => {
      const ends = [];
      const placed = names
        .filter((n) => n[key] !== null)
        .sort((a, b) => a[key] - b[key])
        .map((n) => {
          const x = X(n[key]);
          let row = ends.findIndex((end) => end <= x - 5);
          if (row < 0) {
            row = ends.length;
            ends.push(0);
          }
          ends[row] = x + 5;
          return { n, x, row };
        });
      return { placed, rows: Math.max(1, ends.length) };
    };
    const base = pack('baseTime');
    const next = pack('newTime');
    // BASE's rows stack up from the axis, NEW's down from it: both timelines keep their first rows next to it.
    const axisTop = top + base.rows * rowH + gap / 2;
    const newTop = axisTop + axisH;
    const height = newTop + next.rows * rowH + top;
    const baseY = (row) => axisTop - gap / 2 - row * rowH - rowH / 2;
    const newY = (row) => newTop + row * rowH + rowH / 2;
    const root = svg('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      class: 'diff-timelines',
      role: 'img',
      'aria-label': "First request of each name in BASE and in NEW, from each trace's first event",
    });
    root.append(svg('text', { x: 4, y: baseY(0) + 3, class: 'axis-label' }, document.createTextNode('BASE')));
    root.append(svg('text', { x: 4, y: newY(0) + 3, class: 'axis-label' }, document.createTextNode('NEW')));
    const step = niceStep(span, Math.max(2, Math.floor(plotW / 90)));
    for (let t = 0; t <= span + 1e-9; t += step) {
      const x = X(t);
      root.append(svg('line', { x1: x, x2: x, y1: top, y2: height - top, class: 'grid' }));
      root.append(
        svg(
          'text',
          { x, y: axisTop + 13, class: 'axis-label middle' },
          document.createTextNode(`+${Number(t.toFixed(3))} s`),
        ),
      );
    }
    const baseAt = new Map(base.placed.map((p) => [p.n.name, p]));
    // A changed name's two marks joined, so a request that moved in time shows its move.
    for (const p of next.placed) {
      const b = baseAt.get(p.n.name);
      if (p.n.change !== 'changed' || b === undefined) continue;
      root.append(svg('line', { x1: b.x, y1: baseY(b.row), x2: p.x, y2: newY(p.row), class: 'diff-link' }));
    }
    const mark = (p, side) => {
      const n = p.n;
      const y = side === 'base' ? baseY(p.row) : newY(p.row);
      const g = svg('g', { class: `diff-mark ${n.change}`, 'data-name': n.name, 'data-side': side });
      if (n.change === 'added')
        g.append(svg('path', { d: `M ${p.x - 4} ${y} H ${p.x + 4} M ${p.x} ${y - 4} V ${y + 4}`, class: 'sign' }));
      else if (n.change === 'removed') g.append(svg('path', { d: `M ${p.x - 4} ${y} H ${p.x + 4}`, class: 'sign' }));
      else g.append(svg('circle', { cx: p.x, cy: y, r: n.change === 'same' ? 2 : 3.2 }));
      const time = side === 'base' ? n.baseTime : n.newTime;
      titled(
        g,
        [
          `${n.name}: ${CHANGE_TEXT[n.change] || n.change}`,
          `${side === 'base' ? 'BASE' : 'NEW'}: first request at +${time.toFixed(6)} s`,
          `requests ${n.baseRequests} → ${n.newRequests}; last outcome ${n.baseOutcome || '-'} → ${n.newOutcome || '-'}`,
        ].join('\n'),
      );
      if (side === 'new' && n.request !== null) clickable(g, n.request);
      root.append(g);
    };
    for (const p of base.placed) mark(p, 'base');
    for (const p of next.placed) mark(p, 'new');
    return root;
  }

  function renderDiff(d) {
    const diff = d.diff;
    const section = el('section', { id: 'diff', class: 'diff-section' });
    const s = diff.summary;
    section.append(el('h2', {}, 'Compared with an earlier boot'));
    const side = (label, x) =>
      el(
        'p',
        { class: 'muted' },
        `${label}: ${x.file || '?'} — ${x.requests} requests of ${x.distinctNames} names, first event at ${x.firstEventTime === null ? '-' : `${x.firstEventTime.toFixed(6)} s`}`,
      );
    section.append(side('BASE', diff.base), side('NEW', diff.new));
    section.append(
      el(
        'div',
        { class: 'cards' },
        card('names added', s.added, s.added > 0 ? 'added' : ''),
        card('names removed', s.removed, s.removed > 0 ? 'removed' : ''),
        card('names changed', s.changed, s.changed > 0 ? 'changed' : ''),
        card('names the same', s.same),
        card('findings added', s.findingsAdded, s.findingsAdded > 0 ? 'warn' : ''),
        card('findings removed', s.findingsRemoved),
        card('request chains added', s.chainsAdded),
        card('request chains removed', s.chainsRemoved),
      ),
    );
    const legend = el('div', { class: 'legend' });
    for (const [cls, text] of [
      ['added', 'added (+)'],
      ['removed', 'removed (−)'],
      ['changed', 'changed'],
      ['same', 'the same'],
    ]) {
      legend.append(el('span', { class: `key diff-${cls}` }, el('i'), text));
    }
    section.append(
      el(
        'p',
        { class: 'muted' },
        "Each name at its first request, in seconds from each trace's first event, so that both boots line up whatever their clocks said. Click a mark on NEW to reveal its request.",
      ),
      legend,
    );
    if (diff.omittedNames > 0)
      section.append(
        el(
          'p',
          { class: 'muted' },
          `Showing the first ${diff.names.length} names; ${diff.omittedNames} more are in the diff's JSON (autoload-lens diff --format json).`,
        ),
      );
    const scroller = el('div', { class: 'scroller' });
    section.append(scroller);
    requestAnimationFrame(() =>
      scroller.replaceChildren(drawDiffTimelines(diff, Math.max(320, (scroller.clientWidth || 900) - 4))),
    );

    const differ = diff.names.filter((n) => n.change !== 'same');
    if (differ.length > 0) {
      const table = el('table', { class: 'requests diff-names' });
      table.append(
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['change', 'name', 'requests', 'last outcome', 'first request (s)'].map((h) => el('th', {}, h)),
          ),
        ),
      );
      const body = el('tbody');
      const order = { added: 0, removed: 1, changed: 2 };
      for (const n of differ.slice().sort((a, b) => order[a.change] - order[b.change])) {
        const time = (t) => (t === null ? '-' : `+${t.toFixed(6)}`);
        const row = el(
          'tr',
          { class: `diff-${n.change}` },
          el('td', {}, n.change),
          el('td', {}, n.name),
          el(
            'td',
            { class: 'num' },
            n.baseRequests === n.newRequests ? String(n.newRequests) : `${n.baseRequests} → ${n.newRequests}`,
          ),
          el(
            'td',
            {},
            n.baseOutcome === n.newOutcome ? n.newOutcome : `${n.baseOutcome || '-'} → ${n.newOutcome || '-'}`,
          ),
          el(
            'td',
            { class: 'num' },
            n.baseTime === n.newTime ? time(n.newTime) : `${time(n.baseTime)} → ${time(n.newTime)}`,
          ),
        );
        body.append(n.request !== null ? clickable(row, n.request) : row);
      }
      table.append(body);
      section.append(table);
    }
    const findingList = (title, list, cls) => {
      if (list.length === 0) return;
      section.append(el('h3', {}, `${title} (${list.length})`));
      const ul = el('ul', { class: 'findings' });
      for (const f of list) {
        const item = el(
          'li',
          { class: `finding ${f.severity} ${cls}` },
          el('span', { class: 'rule' }, f.severity),
          el('span', { class: 'message' }, `${d.rules[f.rule] || f.rule}: ${f.message}`),
          el('span', { class: 'where' }, f.where || ''),
        );
        if (f.requests && f.requests.length > 0)
          clickable(item, f.requests[f.requests.length > 1 && f.rule === 'duplicate-request' ? 1 : 0]);
        ul.append(item);
      }
      section.append(ul);
    };
    findingList('Findings added', diff.findingsAdded, 'diff-added');
    findingList('Findings removed', diff.findingsRemoved, 'diff-removed');
    for (const [title, list, cls] of [
      ['Request chains added', diff.chainsAdded, 'diff-added'],
      ['Request chains removed', diff.chainsRemoved, 'diff-removed'],
    ]) {
      if (list.length === 0) continue;
      section.append(el('h3', {}, `${title} (${list.length})`));
      section.append(
        el(
          'ul',
          { class: 'diff-chains' },
          ...list.map((c) => el('li', { class: cls }, `${c.name}: ${c.baseChains} → ${c.newChains}`)),
        ),
      );
    }
    return section;
  }

  function render() {
    if (!data) return;
    if (!data.summary && !data.scan) {
      app.replaceChildren(
        el('p', { class: 'empty' }, 'No results yet: run “Autoload Lens: Scan Workspace” or “Replay Trace…”.'),
      );
      return;
    }
    app.replaceChildren(
      renderSummary(data),
      ...(data.diff ? [renderDiff(data)] : []),
      renderTimeline(data),
      renderChains(data),
      renderFindings(data),
      renderRequests(data),
    );
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'report') {
      const json = JSON.stringify(m.data);
      if (json !== drawn) {
        drawn = json;
        data = m.data;
        // New results in place of the old: the reader stays where they were on the page.
        const y = window.scrollY;
        render();
        window.scrollTo(0, y);
      }
      if (m.focus === 'chains' || m.focus === 'diff')
        requestAnimationFrame(() => document.getElementById(m.focus)?.scrollIntoView());
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
