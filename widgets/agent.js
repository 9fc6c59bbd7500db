// The agent console at /agent: keyboard-first lookup over public and
// internal articles. Every keystroke searches; lookups and opened articles
// are logged on the `agent` channel.
(() => {
  const { el, safeHtml, snippetNodes, sessionId, sendEvent, typeAhead } = window.kbsearch;
  const { openConsole, api } = window.kbconsole;
  const app = document.getElementById('app');
  const toast = document.getElementById('toast');
  const STORAGE = 'kb-agent-key';
  let key = null;
  let hits = [];
  let active = -1;
  let current = null;  // the open article
  let queryId = null;  // the lookup the results came from

  const input = el('input', { type: 'search', id: 'q', 'aria-label': 'Search articles', placeholder: 'Search articles (press / )',
    autocomplete: 'off', role: 'combobox', 'aria-controls': 'results', 'aria-expanded': 'false' });
  const list = el('ol', { class: 'results', id: 'results', role: 'listbox', 'aria-label': 'Results' });
  const view = el('section', { class: 'article', 'aria-label': 'Article', tabindex: '-1' },
    el('p', { class: 'muted' }, 'Open a result to see it here.'));
  const layout = el('div', { class: 'layout' },
    el('div', { class: 'pane' }, el('div', { class: 'search' }, input,
      el('p', { class: 'hint muted' }, 'Esc leaves the box; then j/k move, Enter opens, c copies the answer, l the link.')), list),
    el('div', { class: 'pane' }, view));

  function say(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { toast.hidden = true; }, 1800);
  }

  async function copy(text, what) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const t = el('textarea', {}, text);
      document.body.append(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    say(`${what} copied`);
  }

  function render(didYouMean) {
    list.replaceChildren(...hits.map((h, i) => el('li', { role: 'option', id: `r-${i}`, 'aria-selected': String(i === active),
      onclick: () => { active = i; open(); } },
      el('div', { class: 't' }, h.title, ' ', h.audience === 'internal' ? el('span', { class: 'badge internal' }, 'Internal') : null),
      el('div', { class: 's' }, ...snippetNodes(h.snippet)))));
    if (didYouMean) list.prepend(el('li', { role: 'presentation', class: 'muted' }, `Showing results for “${didYouMean}”`));
    if (!hits.length && input.value.trim()) list.append(el('li', { role: 'presentation', class: 'muted' }, 'No articles found.'));
    input.setAttribute('aria-expanded', String(hits.length > 0));
    if (active >= 0) input.setAttribute('aria-activedescendant', `r-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function move(delta) {
    if (!hits.length) return;
    active = Math.max(0, Math.min(hits.length - 1, active + delta));
    render();
    document.getElementById(`r-${active}`)?.scrollIntoView({ block: 'nearest' });
  }

  async function open() {
    const h = hits[active];
    if (!h) return;
    try {
      const a = await api(`/api/v1/articles/${encodeURIComponent(h.id)}?locale=${encodeURIComponent(h.locale)}`, key);
      current = { ...a, queryId };
      const body = el('div', { class: 'body' });
      body.append(safeHtml(a.body_html));
      view.replaceChildren(
        el('h2', {}, a.title, ' ', a.audience === 'internal' ? el('span', { class: 'badge internal' }, 'Internal') : null),
        el('div', { class: 'meta muted' }, `${a.category} · ${a.type} · ${a.locale}${a.updated ? ` · updated ${a.updated}` : ''}`),
        el('div', { class: 'actions' },
          el('button', { onclick: copyAnswer }, 'Copy answer (c)'),
          el('button', { onclick: copyLink }, 'Copy link (l)')),
        body);
      view.focus();
      sendEvent('', { type: 'view', channel: 'agent', article_id: a.id, locale: a.locale });
    } catch (e) {
      view.replaceChildren(el('p', { role: 'alert' }, e.message));
    }
  }

  // The answer as plain text a customer can be sent: the steps when the
  // article has them, otherwise its text.
  function answerText(a) {
    if (a.steps?.length) return `${a.title}\n\n${a.steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}\n`;
    const f = el('div');
    f.append(safeHtml(a.body_html));
    for (const li of f.querySelectorAll('li')) li.prepend('- ');
    for (const b of f.querySelectorAll('p, li, h1, h2, h3, h4, pre')) b.append('\n');
    return `${a.title}\n\n${f.textContent.replace(/\n{3,}/g, '\n\n').trim()}\n`;
  }
  // A copied answer or link is the article used to answer, for the lookup
  // it was found by (a `use` event).
  function used(action) {
    sendEvent('', { type: 'use', channel: 'agent', action, article_id: current.id, locale: current.locale,
      ...(current.queryId ? { query_id: current.queryId } : {}) });
  }
  const copyAnswer = () => current && (used('copy_answer'), copy(answerText(current), 'Answer'));
  const copyLink = () => current && (used('copy_link'),
    copy(`${location.origin}/?article=${encodeURIComponent(current.id)}&locale=${encodeURIComponent(current.locale)}`, 'Link'));

  // Every keystroke searches at once. kb-search.js's typeAhead waits while
  // an input method composes, drops answers to older keystrokes and gives
  // the box its keys: ↑ ↓ move, Enter opens, Esc leaves the box.
  typeAhead({
    fields: [input],
    query: () => input.value.trim(),
    search: (q) => api(`/api/v1/search?q=${encodeURIComponent(q)}&per_page=15&channel=agent&session_id=${sessionId()}`, key),
    show: (data) => {
      queryId = data.query_id;
      hits = data.results;
      active = hits.length ? 0 : -1;
      render(data.did_you_mean);
    },
    fail: (e) => list.replaceChildren(el('li', { role: 'presentation', class: 'muted' }, e.message)),
    clear: () => { hits = []; render(); },
    keys: { move, enter: () => { open(); return true; }, escape: () => input.blur() },
  });
  document.addEventListener('keydown', (e) => {
    if (!key || e.target === input || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLButtonElement && e.key === 'Enter') return;
    const act = { '/': () => { input.focus(); input.select(); }, j: () => move(1), k: () => move(-1), Enter: open, c: copyAnswer, l: copyLink }[e.key];
    if (act) { e.preventDefault(); act(); }
  });

  openConsole({ mount: app, storageKey: STORAGE, label: 'Agent key', probe: '/api/v1/search?q=key+check&per_page=1' }).then((k) => {
    key = k;
    app.replaceChildren(layout);
    input.focus();
  });
})();
