// Shared by kbsearch's own pages (agent console, dashboard): the key gate,
// authenticated API calls, CSV files. Keys live in localStorage and travel
// only in the Authorization header, never in a URL.
(() => {
  const { el } = window.kbsearch;

  // Resolves with a key the server accepts: the stored one, or one the
  // user enters into the form shown in `mount`. `check(key)` answers true
  // when the key works.
  function keyGate({ mount, storageKey, label, check }) {
    return new Promise((resolve) => {
      const stored = localStorage.getItem(storageKey);
      const ask = (message) => {
        const input = el('input', { type: 'password', id: 'key', autocomplete: 'off', required: true });
        const error = el('p', { class: 'error', role: 'alert' }, message ?? '');
        const form = el('form', { class: 'gate' },
          el('h2', {}, label),
          el('p', {}, 'It is kept in this browser only and sent to the server in a request header.'),
          el('label', { for: 'key' }, 'Key'), input, error,
          el('button', { type: 'submit', class: 'primary' }, 'Continue'));
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          const key = input.value.trim();
          if (await check(key)) {
            localStorage.setItem(storageKey, key);
            mount.replaceChildren();
            resolve(key);
          } else {
            error.textContent = 'This key was not accepted.';
            input.select();
          }
        });
        mount.replaceChildren(form);
        input.focus();
      };
      if (!stored) { ask(); return; }
      check(stored).then((ok) => {
        if (ok) resolve(stored);
        else { localStorage.removeItem(storageKey); ask('The saved key is no longer accepted.'); }
      });
    });
  }

  // Opens one of the pages: the key gate in `mount` until a key that can
  // GET `probe` is given, then the page's "Forget key" button. Resolves
  // with the key.
  function openConsole({ mount, storageKey, label, probe }) {
    const forget = document.getElementById('forget');
    forget.addEventListener('click', () => { localStorage.removeItem(storageKey); location.reload(); });
    const check = (k) => (k ? api(probe, k).then(() => true, () => false) : Promise.resolve(false));
    return keyGate({ mount, storageKey, label, check }).then((k) => {
      forget.hidden = false;
      return k;
    });
  }

  // GETs `path`, or POSTs `body` as JSON when given.
  async function api(path, key, body) {
    const headers = key ? { Authorization: `Bearer ${key}` } : {};
    const init = body === undefined ? { headers }
      : { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    const res = await fetch(path, init);
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(answer.error?.message ?? `HTTP ${res.status}`), { status: res.status });
    return answer;
  }

  // Offers `rows` (arrays) as a CSV download named `name`.
  function downloadCsv(name, header, rows) {
    const cell = (v) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: name });
    document.body.append(a);
    a.click();
    a.remove();
  }

  window.kbconsole = { openConsole, api, downloadCsv };
})();
