// kbsearch widgets for any help-center page:
//   <script src="https://HOST/widgets/kb-search.js"></script>
//   <kb-search server="https://HOST" locale="en" contact-url="/contact"></kb-search>
//   <kb-deflect server="https://HOST" locale="en" subject="subject" description="description"></kb-deflect>
// <kb-search> is a search box with instant results (a WAI-ARIA combobox);
// <kb-deflect> suggests articles beside an existing contact form, whose
// `subject` and `description` attributes are the ids of its fields.
// Everything renders in shadow DOM; theme with --kb-accent, --kb-text,
// --kb-muted, --kb-bg, --kb-border, --kb-mark, --kb-radius and --kb-font.
// Text from the server is inserted as text; article HTML (already sanitised
// by the server) is sanitised again here against an allowlist.
(() => {
  if (customElements.get('kb-search')) return;  // loaded twice
  const scriptOrigin = document.currentScript ? new URL(document.currentScript.src, location.href).origin : '';

  // ---- shared: ids, events, type-ahead, safe rendering ----
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
    : [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join(''));
  function sessionId() {
    try {
      let id = sessionStorage.getItem('kb-session');
      if (!id) sessionStorage.setItem('kb-session', (id = uuid()));
      return id;
    } catch { return (window.__kbSession ??= uuid()); }
  }

  // Sends one analytics event (type, channel and its fields) to `server`,
  // adding a new event_id and the session id; an empty locale is left out.
  // Uses sendBeacon (it survives page unloads); when the browser refuses
  // the beacon, retries with fetch. event_id makes a resend harmless.
  function sendEvent(server, event) {
    const url = `${server}/api/v1/events`;
    const body = JSON.stringify({ events: [{ event_id: uuid(), session_id: sessionId(), ...event, locale: event.locale || undefined }] });
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }))) return;
    } catch { /* fall through to fetch */ }
    const attempt = (n) => fetch(url, { method: 'POST', body, keepalive: true, headers: { 'Content-Type': 'text/plain' } })
      .then((r) => { if (r.status >= 500 && n < 3) throw new Error(String(r.status)); })
      .catch(() => { if (n < 3) setTimeout(() => attempt(n + 1), 500 * 2 ** n); });
    attempt(0);
  }

  // The view of an open article, sent (through `send`) when the article is
  // closed: another opened, its view hidden, or the page hidden or left,
  // with how long it was open (dwell_ms), which tells a read answer from a
  // glance.
  function viewTimer(send) {
    let open = null;
    const end = () => {
      if (!open) return;
      const { id, start } = open;
      open = null;
      send({ article_id: id, dwell_ms: Math.min(Math.round(performance.now() - start), 86400000) });
    };
    addEventListener('pagehide', end);
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') end(); });
    return { start: (id) => { end(); open = { id, start: performance.now() }; }, end };
  }

  // Ends `timer`'s view whenever `view` is hidden, whichever way.
  function endViewWhenHidden(view, timer) {
    new MutationObserver(() => { if (view.hidden) timer.end(); })
      .observe(view, { attributes: true, attributeFilter: ['hidden'] });
  }

  // The type-ahead of a search field, shared by <kb-search>, <kb-deflect>
  // and the agent console. A change of `fields` searches `query()` (the text
  // as it is then) after `delay()` ms, or at once when that is 0; an empty
  // query calls `clear()` instead. While an input method composes (Japanese
  // kana before conversion) the text is not the person's yet: it is searched
  // once committed, and the input method keeps its keys (Enter confirms its
  // text). Only the newest search's answer reaches `show`, or its error
  // `fail`: answers to older text are dropped. With `keys`, fields[0] is a
  // combobox: ↑ ↓ call keys.move(±1), Enter keys.enter() (which answers
  // whether it used the key) and Esc keys.escape().
  function typeAhead({ fields, query, delay = () => 0, search, show, fail = () => {}, clear = () => {}, keys }) {
    let seq = 0;
    let timer;
    const run = async (q) => {
      const mine = ++seq;
      try {
        const answer = await search(q);
        if (mine === seq) show(answer);
      } catch (e) {
        if (mine === seq) fail(e);
      }
    };
    const changed = () => {
      clearTimeout(timer);
      const q = query();
      if (!q.trim()) { seq++; clear(); return; }
      const ms = delay();
      if (ms > 0) timer = setTimeout(() => run(q), ms);
      else run(q);
    };
    for (const f of fields) {
      f.addEventListener('input', (e) => { if (!e.isComposing) changed(); });
      f.addEventListener('compositionend', changed);
    }
    if (!keys) return;
    fields[0].addEventListener('keydown', (e) => {
      if (e.isComposing || e.keyCode === 229) return;  // the input method's own keys
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        keys.move(e.key === 'ArrowDown' ? 1 : -1);
      } else if (e.key === 'Enter') {
        if (keys.enter()) e.preventDefault();
      } else if (e.key === 'Escape') {
        keys.escape();
      }
    });
  }

  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };

  // A snippet is text with <mark>…</mark> around matched words; anything
  // else in it is shown as text.
  function snippetNodes(snippet) {
    const out = [];
    const decode = (s) => s.replace(/&(lt|gt|quot|#39|amp);/g, (_, n) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' }[n]));
    const parts = String(snippet ?? '').split(/<mark>|<\/mark>/);
    parts.forEach((p, i) => { if (p) out.push(i % 2 ? el('mark', {}, decode(p)) : document.createTextNode(decode(p))); });
    return out;
  }

  const ALLOWED = new Set(['P', 'BR', 'STRONG', 'EM', 'B', 'I', 'CODE', 'PRE', 'UL', 'OL', 'LI', 'A', 'H1', 'H2', 'H3',
    'H4', 'H5', 'H6', 'BLOCKQUOTE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'HR', 'SPAN', 'KBD', 'DEL']);
  // Article HTML as a fragment, keeping only allowlisted elements and safe links.
  function safeHtml(html) {
    const doc = new DOMParser().parseFromString(`<body>${html ?? ''}</body>`, 'text/html');
    const copy = (node) => {
      if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
      if (node.nodeType !== Node.ELEMENT_NODE) return null;
      const kids = [...node.childNodes].map(copy).filter(Boolean);
      if (!ALLOWED.has(node.tagName)) {
        if (['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'TEMPLATE'].includes(node.tagName)) return null;
        const f = document.createDocumentFragment();
        f.append(...kids);
        return f;
      }
      const e = document.createElement(node.tagName.toLowerCase());
      const href = node.getAttribute('href');
      if (node.tagName === 'A' && href && /^(https?:|\/|#)/i.test(href)) e.setAttribute('href', href);
      if (node.tagName === 'OL' && /^\d+$/.test(node.getAttribute('start') ?? '')) e.setAttribute('start', node.getAttribute('start'));
      e.append(...kids);
      return e;
    };
    const f = document.createDocumentFragment();
    f.append(...[...doc.body.childNodes].map(copy).filter(Boolean));
    return f;
  }

  // Styles a shadow root. A constructed stylesheet is not inline style, so
  // pages whose Content-Security-Policy has no 'unsafe-inline' (kbsearch's
  // own, and customers' strict ones) apply it; a browser without them gets
  // a <style> element.
  function adoptStyles(root, css) {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(el('style', {}, css));
    }
  }

  const BASE_CSS = `
    :host { --_accent: var(--kb-accent, #1f4fd1); --_text: var(--kb-text, #1d2330); --_muted: var(--kb-muted, #4a5163);
      --_bg: var(--kb-bg, #fff); --_border: var(--kb-border, #d5d9e3); --_mark: var(--kb-mark, #ffe58a);
      --_radius: var(--kb-radius, .5rem); display: block; font: var(--kb-font, 16px/1.5 system-ui, sans-serif);
      color: var(--_text); text-align: left; }
    * { box-sizing: border-box; }
    mark { background: var(--_mark); color: inherit; border-radius: 2px; }
    button { font: inherit; cursor: pointer; border-radius: var(--_radius); border: 1px solid var(--_border);
      background: var(--_bg); color: var(--_text); padding: .35rem .8rem; }
    button.primary { background: var(--_accent); border-color: var(--_accent); color: #fff; }
    button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
    .article { background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 1rem 1.25rem; }
    .article h2 { margin: .2rem 0 .6rem; font-size: 1.3rem; }
    .article .body { color: var(--_text); }
    .article .body a { color: var(--_accent); }
    .feedback { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; border-top: 1px solid var(--_border);
      margin-top: 1rem; padding-top: .8rem; }
    .feedback .label { margin-right: .25rem; }
    .thanks { color: #1b6e3a; font-weight: 600; }
    .muted { color: var(--_muted); }`;

  // Loads an article and renders it with the feedback buttons `actions`
  // returns. Article links (kb: links) open inside the same view.
  async function renderArticle(host, container, id, locale, actions) {
    container.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    let a;
    try {
      const r = await fetch(`${host.server}/api/v1/articles/${encodeURIComponent(id)}${locale ? `?locale=${encodeURIComponent(locale)}` : ''}`);
      a = await r.json();
      if (!r.ok) throw new Error(a.error?.message ?? r.status);
    } catch (e) {
      container.replaceChildren(el('p', { role: 'alert' }, 'This article could not be loaded.'));
      return null;
    }
    const body = el('div', { class: 'body' });
    body.append(safeHtml(a.body_html));
    body.addEventListener('click', (ev) => {
      const link = ev.target.closest('a[href*="/api/v1/articles/"]');
      if (!link) return;
      ev.preventDefault();
      const u = new URL(link.href, location.href);
      host.openArticle(decodeURIComponent(u.pathname.split('/').pop()), u.searchParams.get('locale') ?? locale);
    });
    const heading = el('h2', { class: 'article-title', tabindex: '-1' }, a.title);
    container.replaceChildren(heading, body, actions(a));
    heading.focus();
    return a;
  }

  // ---- <kb-search> ----
  class KbSearch extends HTMLElement {
    constructor() {
      super();
      this.items = [];
      this.active = -1;
      this.queryId = null;
      const root = this.attachShadow({ mode: 'open' });
      adoptStyles(root, BASE_CSS + `
        .box { position: relative; }
        input { width: 100%; font: inherit; font-size: 1.05rem; padding: .75rem 1rem; border: 1px solid var(--_border);
          border-radius: var(--_radius); background: var(--_bg); color: var(--_text); }
        .panel { margin-top: .4rem; background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius);
          box-shadow: 0 8px 24px #0002; overflow: hidden; }
        ul { list-style: none; margin: 0; padding: .25rem 0; max-height: 70vh; overflow-y: auto; }
        li[role=option] { padding: .55rem 1rem; cursor: pointer; }
        li[role=option] .title { font-weight: 600; color: var(--_accent); }
        li[role=option] .snippet { font-size: .92rem; color: var(--_muted); margin-top: .1rem; }
        li[role=option][aria-selected=true] { background: color-mix(in srgb, var(--_accent) 12%, var(--_bg)); }
        li.group { padding: .35rem 1rem .1rem; font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--_muted); }
        .note { margin: 0; padding: .5rem 1rem; font-size: .92rem; color: var(--_muted); border-bottom: 1px solid var(--_border); }
        .empty { margin: 0; padding: .8rem 1rem; color: var(--_muted); }
        .article { margin-top: .4rem; }
        .back { margin-bottom: .5rem; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }`);
      this.input = el('input', {
        type: 'search', role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'kb-results',
        'aria-autocomplete': 'list', autocomplete: 'off', spellcheck: 'false',
        'aria-label': this.getAttribute('label') ?? 'Search the help center',
        placeholder: this.getAttribute('placeholder') ?? 'Search the help center',
      });
      typeAhead({
        fields: [this.input],
        query: () => this.input.value,
        delay: () => Number(this.getAttribute('debounce') ?? 120),
        search: (q) => this.search(q),
        show: (answer) => this.showAnswer(answer),
        fail: () => this.show([], null, 'Search is not available right now.'),
        clear: () => this.close(),
        keys: {
          move: (delta) => {
            if (this.panel.hidden && this.items.length) this.show(this.items, null, null);
            this.move(delta);
          },
          enter: () => {
            if (this.panel.hidden || !this.items.length) return false;
            this.choose(this.active >= 0 ? this.active : 0);
            return true;
          },
          escape: () => {
            if (!this.panel.hidden) this.close();
            else if (!this.articleView.hidden) this.articleView.hidden = true;
            else this.input.value = '';
          },
        },
      });
      this.note = el('p', { class: 'note', hidden: true });
      this.list = el('ul', { id: 'kb-results', role: 'listbox', 'aria-label': 'Articles' });
      this.empty = el('p', { class: 'empty', hidden: true });
      this.panel = el('div', { class: 'panel', hidden: true }, this.note, this.list, this.empty);
      this.status = el('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
      this.articleView = el('div', { class: 'article', hidden: true, role: 'region', 'aria-label': 'Article' });
      root.append(el('div', { class: 'box' }, this.input, this.panel, this.status), this.articleView);
      this.views = viewTimer((fields) => this.event('view', fields));
      endViewWhenHidden(this.articleView, this.views);
      this.articleView.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape') return;
        this.articleView.hidden = true;
        this.input.focus();
      });
      this.list.addEventListener('mousedown', (e) => e.preventDefault());  // keep focus in the input
      this.list.addEventListener('click', (e) => {
        const li = e.target.closest('li[role=option]');
        if (li) this.choose(Number(li.dataset.index));
      });
    }

    get server() { return this.getAttribute('server') ?? scriptOrigin; }
    get locale() { return this.getAttribute('locale') ?? ''; }

    connectedCallback() {
      // A help-center page can link straight to an article: ?article=ID.
      const params = new URLSearchParams(location.search);
      const id = params.get('article');
      if (id && this.hasAttribute('open-from-url')) this.openArticle(id, params.get('locale') ?? this.locale);
    }

    // The results of `q`, with title suggestions while it is a few words
    // being typed.
    async search(q) {
      const loc = this.locale ? `&locale=${encodeURIComponent(this.locale)}` : '';
      const s = encodeURIComponent(q);
      const partial = !/\s$/.test(q) && q.trim().split(/\s+/).length <= 3;
      const [res, sug] = await Promise.all([
        fetch(`${this.server}/api/v1/search?q=${s}${loc}&per_page=8&channel=widget&session_id=${sessionId()}`),
        partial ? fetch(`${this.server}/api/v1/suggest?q=${s}${loc}`).then((r) => (r.ok ? r.json() : null)).catch(() => null)
          : Promise.resolve(null),
      ]);
      return { ok: res.ok, data: await res.json(), sug };
    }

    showAnswer({ ok, data, sug }) {
      if (!ok) { this.show([], null, data.error?.message ?? 'Search failed.'); return; }
      this.queryId = data.query_id;
      const ids = new Set(data.results.map((r) => r.id));
      const suggestions = (sug?.suggestions ?? []).filter((x) => !ids.has(x.id)).slice(0, 3)
        .map((x) => ({ id: x.id, title: x.text, suggestion: true }));
      this.show([...suggestions, ...data.results], data.did_you_mean, null);
    }

    show(items, didYouMean, error) {
      this.items = items;
      this.active = -1;
      this.list.replaceChildren();
      let lastGroup = null;
      items.forEach((it, i) => {
        const group = it.suggestion ? 'Suggested' : 'Articles';
        if (group !== lastGroup && items.some((x) => !!x.suggestion)) this.list.append(el('li', { class: 'group', role: 'presentation' }, group));
        lastGroup = group;
        this.list.append(el('li', { role: 'option', id: `kb-opt-${i}`, 'aria-selected': 'false', 'data-index': String(i) },
          el('div', { class: 'title' }, it.title),
          it.snippet ? el('div', { class: 'snippet' }, ...snippetNodes(it.snippet)) : null));
      });
      this.note.hidden = !didYouMean;
      if (didYouMean) this.note.replaceChildren('Showing results for ', el('strong', {}, `“${didYouMean}”`));
      this.empty.hidden = items.length > 0;
      this.empty.textContent = error ?? 'No articles found. Try other words, or contact support.';
      this.panel.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
      this.input.removeAttribute('aria-activedescendant');
      this.status.textContent = items.length ? `${items.length} results available.` : this.empty.textContent;
    }

    close() {
      this.panel.hidden = true;
      this.input.setAttribute('aria-expanded', 'false');
      this.input.removeAttribute('aria-activedescendant');
      this.active = -1;
    }

    move(delta) {
      if (!this.items.length) return;
      this.active = (this.active + delta + this.items.length) % this.items.length;
      for (const li of this.list.querySelectorAll('li[role=option]')) {
        const on = Number(li.dataset.index) === this.active;
        li.setAttribute('aria-selected', String(on));
        if (on) { this.input.setAttribute('aria-activedescendant', li.id); li.scrollIntoView({ block: 'nearest' }); }
      }
    }

    choose(i) {
      const it = this.items[i];
      if (!it) return;
      if (this.queryId) this.event('click', { query_id: this.queryId, article_id: it.id, position: i + 1 });
      this.close();
      this.openArticle(it.id, it.locale ?? this.locale);
    }

    async openArticle(id, locale) {
      this.articleView.hidden = false;
      const back = el('button', { class: 'back', onclick: () => { this.articleView.hidden = true; this.input.focus(); } }, '← Back to results');
      const container = el('div');
      this.articleView.replaceChildren(back, container);
      const a = await renderArticle(this, container, id, locale, (art) => this.feedback(art));
      if (a && !this.articleView.hidden) this.views.start(a.id);
    }

    event(type, fields) {
      sendEvent(this.server, { type, channel: 'widget', locale: this.locale, ...fields });
    }

    feedback(a) {
      const box = el('div', { class: 'feedback' });
      const thanks = (text) => box.replaceChildren(el('span', { class: 'thanks', role: 'status' }, text), contact());
      const vote = (helpful) => () => {
        this.event('vote', { article_id: a.id, helpful });
        thanks(helpful ? 'Thanks for your feedback!' : 'Thanks. We will improve this article.');
      };
      const contact = () => el('span', {}, el('span', { class: 'label' }, 'Still need help?'),
        el('button', { onclick: () => {
          this.event('escalate', this.queryId ? { query_id: this.queryId } : {});
          const to = this.getAttribute('contact-url');
          if (to) setTimeout(() => location.assign(to), 50);
          this.dispatchEvent(new CustomEvent('kb-escalate', { bubbles: true, composed: true, detail: { article_id: a.id } }));
        } }, 'Contact support'));
      box.append(
        el('span', { class: 'label' }, 'Was this helpful?'),
        el('button', { onclick: vote(true) }, 'Yes'),
        el('button', { onclick: vote(false) }, 'No'),
        el('button', { class: 'primary', onclick: () => {
          this.event('resolve', { article_id: a.id, ...(this.queryId ? { query_id: this.queryId } : {}) });
          thanks('Glad it is solved!');
        } }, 'This solved my problem'),
        contact());
      return box;
    }
  }

  // ---- <kb-deflect> ----
  class KbDeflect extends HTMLElement {
    constructor() {
      super();
      this.shown = [];  // query ids whose results the customer saw
      const root = this.attachShadow({ mode: 'open' });
      adoptStyles(root, BASE_CSS + `
        .box { border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); padding: .8rem 1rem; }
        h2 { font-size: 1rem; margin: 0 0 .4rem; }
        ul { margin: 0; padding-left: 1.1rem; }
        li { margin: .25rem 0; }
        a { color: var(--_accent); cursor: pointer; }
        .article { margin-top: .6rem; }`);
      this.list = el('ul');
      this.articleView = el('div', { class: 'article', hidden: true, role: 'region', 'aria-label': 'Suggested article' });
      this.box = el('div', { class: 'box', hidden: true, role: 'region', 'aria-label': 'Suggested articles' },
        el('h2', {}, 'These articles may answer your question'), this.list, this.articleView);
      root.append(this.box);
      this.views = viewTimer((fields) => this.event('view', fields));
      endViewWhenHidden(this.articleView, this.views);
    }

    get server() { return this.getAttribute('server') ?? scriptOrigin; }
    get locale() { return this.getAttribute('locale') ?? ''; }

    connectedCallback() {
      // The form's own fields, found by id; the form itself is never touched
      // beyond listening, so it works as before when the server is down.
      const find = (name) => document.getElementById(this.getAttribute(name) ?? name);
      this.fields = [find('subject'), find('description')].filter(Boolean);
      // Suggestions for both fields' text; when the search fails, the form
      // works without them.
      typeAhead({
        fields: this.fields,
        query: () => {
          const text = this.fields.map((f) => f.value).join(' ').trim();
          return text.length < 3 ? '' : text.split(/\s+/).slice(0, 24).join(' ').slice(0, 200);
        },
        delay: () => Number(this.getAttribute('debounce') ?? 400),
        search: (q) => this.search(q),
        show: (answer) => this.showAnswer(answer),
        clear: () => { this.box.hidden = true; },
      });
      const form = this.fields[0]?.form;
      if (form) form.addEventListener('submit', () => this.onSubmit());
    }

    async search(q) {
      const loc = this.locale ? `&locale=${encodeURIComponent(this.locale)}` : '';
      const r = await fetch(`${this.server}/api/v1/search?q=${encodeURIComponent(q)}${loc}&per_page=3&channel=contact_form&session_id=${sessionId()}`);
      return { ok: r.ok, data: await r.json() };
    }

    showAnswer({ ok, data }) {
      if (!ok) return;
      this.queryId = data.query_id;
      this.list.replaceChildren(...data.results.map((h, i) => el('li', {},
        el('a', { href: `?article=${encodeURIComponent(h.id)}`, onclick: (e) => { e.preventDefault(); this.open(h, i); } }, h.title))));
      this.box.hidden = data.results.length === 0;
      if (data.results.length && !this.shown.includes(data.query_id)) this.shown.push(data.query_id);
    }

    event(type, fields) {
      sendEvent(this.server, { type, channel: 'contact_form', locale: this.locale, ...fields });
    }

    async open(hit, i) {
      this.event('click', { query_id: this.queryId, article_id: hit.id, position: i + 1 });
      this.articleView.hidden = false;
      const a = await renderArticle(this, this.articleView, hit.id, hit.locale ?? this.locale, (art) => {
        const box = el('div', { class: 'feedback' });
        box.append(el('button', { class: 'primary', onclick: () => {
          this.event('resolve', { article_id: art.id, query_id: this.queryId });
          box.replaceChildren(el('span', { class: 'thanks', role: 'status' },
            'Great! You do not need to send the form.'));
        } }, 'This answered my question'));
        return box;
      });
      if (a && !this.articleView.hidden) this.views.start(a.id);
    }

    openArticle(id, locale) { this.open({ id, locale }, 0); }

    onSubmit() {
      try {
        // One escalation per shown search, so each search the customer saw
        // is known to have failed them.
        const ids = this.shown.length ? this.shown : [null];
        for (const id of ids) this.event('escalate', id ? { query_id: id } : {});
      } catch { /* never stop the form */ }
    }
  }

  customElements.define('kb-search', KbSearch);
  customElements.define('kb-deflect', KbDeflect);
  // For kbsearch's own pages (the agent console, the dashboard): the same
  // safe rendering, type-ahead and events.
  window.kbsearch = { el, safeHtml, snippetNodes, sessionId, sendEvent, typeAhead };
})();
