// The analytics dashboard at /dashboard (admin key): deflection and
// self-service over time, search quality, top queries, content gaps,
// articles and agent usage, each table exportable as CSV, and what
// learning took from usage, per article, to reject or promote. Definitions:
// docs/analytics.md and docs/learning.md.
(() => {
  const { el } = window.kbsearch;
  const { openConsole, api, downloadCsv } = window.kbconsole;
  const app = document.getElementById('app');
  const STORAGE = 'kb-admin-key';
  let key = null;

  const day = (d) => d.toISOString().slice(0, 10);
  const today = new Date();
  const from = el('input', { type: 'date', id: 'from', value: day(new Date(today.getTime() - 29 * 864e5)) });
  const to = el('input', { type: 'date', id: 'to', value: day(today) });
  const channel = el('select', { id: 'channel' },
    el('option', { value: '' }, 'Customer channels'), el('option', { value: 'widget' }, 'Widget'),
    el('option', { value: 'contact_form' }, 'Contact form'));
  const status = el('span', { class: 'muted', role: 'status' });
  const body = el('div');
  const learnedBox = el('section', { class: 'panel', id: 'learned', 'aria-label': 'Learned phrasings' });

  const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
  const num = (v, digits = 1) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));

  function tiles(s) {
    const t = (label, value) => el('div', { class: 'tile' }, el('div', { class: 'v' }, value), el('div', { class: 'k' }, label));
    return el('div', { class: 'tiles' },
      t('Deflection rate', pct(s.deflection_rate)),
      t('Self-service ratio', s.self_service_ratio === null ? '–' : `${num(s.self_service_ratio)}:1`),
      t('Help sessions', String(s.help_sessions)),
      t('Escalated sessions', String(s.escalated_sessions)),
      t('Resolutions', String(s.resolutions)),
      t('Search CTR', pct(s.search_ctr)),
      t('Zero-result rate', pct(s.zero_result_rate)),
      t('No-click rate', pct(s.no_click_rate)),
      t('Avg. click position', num(s.avg_click_position, 2)));
  }

  // A line chart of one series: points [{start, value|null}]; gaps where
  // the value is null.
  function chart(title, points, format, maxHint) {
    const W = 560, H = 200, L = 48, R = 12, T = 14, B = 28;
    const values = points.map((p) => p.value).filter((v) => v !== null);
    const max = Math.max(maxHint ?? 0, ...values, 1e-9);
    const x = (i) => L + (points.length <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (points.length - 1));
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const ns = 'http://www.w3.org/2000/svg';
    const s = (tag, attrs, text) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img',
      'aria-label': `${title}: ${values.length} of ${points.length} days with data; latest ${values.length ? format(values[values.length - 1]) : 'none'}` });
    for (const f of [0, 0.5, 1]) {
      svg.append(s('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#e3e6ee' }));
      svg.append(s('text', { x: L - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, format(max * f)));
    }
    let d = '';
    let penUp = true;
    points.forEach((p, i) => {
      if (p.value === null) { penUp = true; return; }
      d += `${penUp ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)} `;
      penUp = false;
    });
    svg.append(s('path', { d: d.trim() || 'M0,0', fill: 'none', stroke: '#1f4fd1', 'stroke-width': 2, class: 'series' }));
    points.forEach((p, i) => { if (p.value !== null) svg.append(s('circle', { cx: x(i), cy: y(p.value), r: 2.5, fill: '#1f4fd1' })); });
    const step = Math.max(1, Math.ceil(points.length / 6));
    points.forEach((p, i) => {
      if (i % step === 0) svg.append(s('text', { x: x(i), y: H - 8, 'text-anchor': 'middle' }, p.start.slice(5, 10)));
    });
    return el('div', { class: 'panel' }, el('h2', {}, title), svg);
  }

  // A sortable table with a CSV export. columns: [{label, get, numeric, format}].
  function table(title, file, columns, rows, sortBy) {
    let order = { col: sortBy ?? -1, dir: -1 };
    const tbody = el('tbody');
    const heads = columns.map((c, i) => el('th', { class: c.numeric ? 'n' : '', scope: 'col' },
      el('button', { type: 'button', onclick: () => { order = { col: i, dir: order.col === i ? -order.dir : -1 }; draw(); } }, c.label)));
    function draw() {
      const sorted = [...rows];
      if (order.col >= 0) {
        const get = columns[order.col].get;
        sorted.sort((a, b) => {
          const va = get(a) ?? -Infinity, vb = get(b) ?? -Infinity;
          return (va < vb ? -1 : va > vb ? 1 : 0) * order.dir;
        });
      }
      heads.forEach((h, i) => (i === order.col ? h.setAttribute('aria-sort', order.dir > 0 ? 'ascending' : 'descending') : h.removeAttribute('aria-sort')));
      tbody.replaceChildren(...(sorted.length ? sorted.map((r) => el('tr', {}, ...columns.map((c) =>
        el('td', { class: c.numeric ? 'n' : '' }, c.format ? c.format(c.get(r)) : String(c.get(r) ?? '–')))))
        : [el('tr', {}, el('td', { colspan: String(columns.length), class: 'muted' }, 'Nothing in this range.'))]));
    }
    draw();
    const exportButton = el('button', { type: 'button', onclick: () => downloadCsv(file, columns.map((c) => c.label),
      rows.map((r) => columns.map((c) => c.get(r)))) }, 'Export CSV');
    return el('section', { class: 'panel', 'aria-label': title },
      el('h2', {}, title, el('span', { class: 'spacer' }), exportButton),
      el('table', {}, el('caption', { class: 'muted' }, 'Select a column heading to sort.'),
        el('thead', {}, el('tr', {}, ...heads)), tbody));
  }

  const queryColumns = [
    { label: 'Query', get: (q) => q.query },
    { label: 'Searches', get: (q) => q.searches, numeric: true },
    { label: 'With click', get: (q) => q.clicks, numeric: true },
    { label: 'Zero results', get: (q) => q.zero_result_searches, numeric: true },
    { label: 'No click', get: (q) => q.no_click_searches, numeric: true },
  ];

  async function load() {
    const params = new URLSearchParams({ from: from.value, to: to.value });
    if (channel.value) params.set('channel', channel.value);
    status.textContent = 'Loading…';
    try {
      const [s, rate, ratio] = await Promise.all([
        api(`/api/v1/analytics/summary?${params}`, key),
        api(`/api/v1/analytics/timeseries?metric=deflection_rate&interval=day&${params}`, key),
        api(`/api/v1/analytics/timeseries?metric=self_service_ratio&interval=day&${params}`, key),
      ]);
      body.replaceChildren(
        tiles(s),
        el('div', { class: 'charts' },
          chart('Deflection rate per day', rate.points, (v) => `${Math.round(v * 100)}%`, 1),
          chart('Self-service ratio per day (help sessions per escalation)', ratio.points, (v) => v.toFixed(1))),
        el('div', { class: 'grid2' },
          table('Top queries', 'top-queries.csv', queryColumns, s.top_queries, 1),
          table('Content gaps', 'content-gaps.csv', queryColumns, s.content_gaps)),
        table('Articles', 'articles.csv', [
          { label: 'Article', get: (a) => a.article_id },
          { label: 'Views', get: (a) => a.views, numeric: true },
          { label: 'Clicks', get: (a) => a.clicks, numeric: true },
          { label: 'Helpful', get: (a) => a.helpful_yes, numeric: true },
          { label: 'Not helpful', get: (a) => a.helpful_no, numeric: true },
          { label: 'Helpfulness', get: (a) => a.helpfulness, numeric: true, format: pct },
          { label: 'Resolved', get: (a) => a.resolutions, numeric: true },
          { label: 'Deflections', get: (a) => a.deflections, numeric: true },
        ], s.articles, 7),
        el('div', { class: 'grid2' },
          table('Agent lookups per day', 'agent-lookups.csv', [
            { label: 'Date', get: (d) => d.date }, { label: 'Lookups', get: (d) => d.lookups, numeric: true }],
          s.agent_usage.lookups_per_day, 0),
          table('Articles used by agents', 'agent-articles.csv', [
            { label: 'Article', get: (a) => a.article_id }, { label: 'Uses', get: (a) => a.uses, numeric: true }],
          s.agent_usage.top_articles, 1)));
      status.textContent = `${s.from.slice(0, 10)} to ${s.to.slice(0, 10)} (exclusive), escalations within ${s.attribution_window_seconds / 3600} h`;
    } catch (e) {
      status.textContent = '';
      body.replaceChildren(el('p', { role: 'alert', class: 'error' }, e.message));
    }
  }

  // What usage taught: each article's learned phrasings with their counts.
  // Reject takes one out for good; Promote shows the change that makes it
  // one of the article's questions, to apply in the corpus.
  async function loadLearned() {
    const learnedStatus = el('p', { class: 'muted', role: 'status' });
    const change = el('div');
    const heading = el('h2', {}, 'Learned phrasings');
    try {
      const data = await api('/api/v1/admin/learned', key);
      const rows = [];
      for (const a of data.articles) {
        for (const p of a.learned) {
          const target = { article_id: a.id, text: p.text, locale: a.locale };
          const row = el('tr', {},
            el('td', {}, el('span', {}, a.title), el('br'), el('code', {}, `${a.id} (${a.locale})`)),
            el('td', { class: 'phrasing' }, p.text),
            el('td', {}, p.audience === 'agent' ? 'Agents' : 'Customers'),
            el('td', { class: 'n' }, String(p.clients)),
            el('td', {},
              el('button', { type: 'button', 'aria-label': `Reject “${p.text}” for ${a.id}`, onclick: async () => {
                try {
                  const r = await api('/api/v1/admin/learned/reject', key, target);
                  row.remove();
                  learnedStatus.textContent = `Rejected “${r.text}” for ${r.article_id}: it will not be learned again.`;
                } catch (e) { learnedStatus.textContent = e.message; }
              } }, 'Reject'),
              ' ',
              el('button', { type: 'button', 'aria-label': `Promote “${p.text}” into the questions of ${a.id}`, onclick: async () => {
                try {
                  const r = await api('/api/v1/admin/learned/promote', key, target);
                  change.replaceChildren(
                    el('h3', {}, `Add “${r.text}” to ${r.path}`),
                    el('p', { class: 'muted' }, 'Apply this change in the corpus and reindex; nothing was written.'),
                    el('pre', { class: 'diff', tabindex: '0', 'aria-label': `Change to ${r.path}` },
                      r.diff ?? `questions:\n${r.questions.map((q) => `  - ${q}`).join('\n')}\n`));
                  learnedStatus.textContent = `The change for ${r.article_id} is below.`;
                } catch (e) { learnedStatus.textContent = e.message; }
              } }, 'Promote')));
          rows.push(row);
        }
      }
      learnedBox.replaceChildren(heading,
        el('table', {}, el('caption', { class: 'muted' }, `${data.phrasings} ${data.phrasings === 1 ? 'phrasing' : 'phrasings'} learned from usage`),
          el('thead', {}, el('tr', {}, ...['Article', 'Phrasing', 'Learned from', 'Clients', 'Action'].map((h) =>
            el('th', { scope: 'col', class: h === 'Clients' ? 'n' : '' }, h)))),
          el('tbody', {}, ...(rows.length ? rows
            : [el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'Nothing learned yet.'))]))),
        learnedStatus, change);
    } catch (e) {
      learnedBox.replaceChildren(heading, el('p', { role: 'alert', class: 'error' }, e.message));
    }
  }

  openConsole({ mount: app, storageKey: STORAGE, label: 'Admin key', probe: '/api/v1/analytics/summary?from=2000-01-01&to=2000-01-02' }).then((k) => {
    key = k;
    const form = el('form', { class: 'controls', onsubmit: (e) => { e.preventDefault(); load(); } },
      el('label', { for: 'from' }, 'From', from), el('label', { for: 'to' }, 'To (inclusive)', to),
      el('label', { for: 'channel' }, 'Channel', channel), el('button', { type: 'submit', class: 'primary' }, 'Apply'), status);
    app.replaceChildren(form, body, learnedBox);
    load();
    loadLearned();
  });
})();
