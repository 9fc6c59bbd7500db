// Shared set-up for the browser tests: a real kb-server on loopback over an
// index of the bundled help center (plus one hostile article), Debian's
// Chromium driven by playwright-core, axe-core checks and screenshots.
//
// Environment (set by ctest): KB_SERVER_BIN, KB_INDEX_BIN, KB_SOURCE_DIR,
// KB_ARTIFACTS (where screenshots go).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const source = process.env.KB_SOURCE_DIR ?? new URL('../..', import.meta.url).pathname;
const serverBin = process.env.KB_SERVER_BIN ?? join(source, 'build/server/kb-server');
const indexBin = process.env.KB_INDEX_BIN ?? join(source, 'build/indexer/kb-index');
export const artifacts = process.env.KB_ARTIFACTS ?? join(source, 'build/widget-artifacts');

export const AGENT_KEY = 'agent-test-key';
export const ADMIN_KEY = 'admin-test-key';
export const XSS = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';

// An article whose title and body try to run script.
const hostileArticle = `---
id: xss-probe
title: "Hostile ${XSS.replaceAll('"', '\\"')} title"
type: faq
locale: en
category: account
audience: public
updated: 2026-11-01
---
Body with ${XSS} markup and <script>window.__xss=1</script> in it, about zebrafish.
`;

// Starts kb-server over a copy of corpus/ with the hostile article added.
// Returns {url, stop()}.
export async function startServer({ attributionWindow = '24h' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kb-widgets-'));
  cpSync(join(source, 'corpus'), join(dir, 'corpus'), { recursive: true });
  writeFileSync(join(dir, 'corpus/en/account/xss-probe.md'), hostileArticle);
  execFileSync(indexBin, ['build', '--corpus', join(dir, 'corpus'), '--index', join(dir, 'index')], { stdio: 'pipe' });
  writeFileSync(join(dir, 'kb.toml'), `
[server]
port = 0
access_log = ""
widgets_dir = "${join(source, 'widgets')}"
trusted_proxies = ["127.0.0.1/32"]
[index]
path = "${join(dir, 'index')}"
corpus = "${join(dir, 'corpus')}"
[events]
path = "${join(dir, 'events.sqlite')}"
attribution_window = "${attributionWindow}"
[auth]
agent_keys = ["${AGENT_KEY}"]
admin_keys = ["${ADMIN_KEY}"]
[rate_limit]
requests_per_second = 0
[learning]
interval = "1s"
`);
  const child = spawn(serverBin, ['--config', join(dir, 'kb.toml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kb-server did not start: ${stderr}`)), 15000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = stderr.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`kb-server exited with ${code}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.KB_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--no-first-run'],
  });
}

// The analytics summary, read with the admin key.
export async function summary(url) {
  const res = await fetch(`${url}/api/v1/analytics/summary`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  if (!res.ok) throw new Error(`summary: ${res.status} ${await res.text()}`);
  return res.json();
}

// Waits until the server has stored `n` events more than `before` (beacons
// are asynchronous).
export async function waitForEvents(url, predicate, what) {
  let last;
  for (let i = 0; i < 100; i++) {
    last = await summary(url);
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last summary: ${JSON.stringify(last)}`);
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Serious and critical accessibility violations on the page, as
// "rule: target" lines (empty when there are none).
export async function axeViolations(page) {
  // Evaluated by the browser's debugger protocol, which the page's
  // Content-Security-Policy does not govern (an inline <script> it refuses).
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

// Records every dialog, page error and Content-Security-Policy refusal, so
// a test can assert none happened.
export function watchForScript(page) {
  const seen = watchForCspViolations(page);
  page.on('dialog', (d) => {
    seen.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  page.on('pageerror', (e) => seen.push(`error: ${e.message}`));
  return seen;
}

// The q of every search request the page makes from now on, in order.
export function watchSearches(page) {
  const queries = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/v1/search') queries.push(url.searchParams.get('q'));
  });
  return queries;
}

// Records the analytics events the page sends (by sendBeacon, as the
// widgets do) from its next navigation on. Call before page.goto.
export async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__events = [];
    const send = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      if (String(url).endsWith('/api/v1/events')) {
        data.text().then((t) => window.__events.push(...JSON.parse(t).events));
      }
      return send(url, data);
    };
  });
}

// Waits for the first recorded event of `type` (recordEvents) and returns it.
export async function sentEvent(page, type) {
  const handle = await page.waitForFunction((t) => window.__events.find((e) => e.type === t), type);
  return handle.jsonValue();
}

// Types `kana` through the browser's input method without committing it,
// as a Japanese keyboard does before conversion; the returned function
// commits `text` in its place.
export async function composeWithInputMethod(page, kana) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: kana, selectionStart: kana.length, selectionEnd: kana.length });
  return (text) => cdp.send('Input.insertText', { text });
}

// Collects what the browser refuses under a page's Content-Security-Policy
// (an inline script or style, a load from elsewhere) into `into`, as
// "url: message" lines.
export function watchForCspViolations(page, into = []) {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) into.push(`${page.url()}: ${m.text()}`);
  });
  return into;
}

// Inline script, inline style and event-handler attributes left in the
// page's document and its widgets' shadow roots, as "what: where" lines.
export async function inlineCode(page) {
  return page.evaluate(() => {
    const found = [];
    const walk = (root, where) => {
      for (const e of root.querySelectorAll('*')) {
        const tag = e.tagName.toLowerCase();
        if (tag === 'script' && !e.src) found.push(`inline script: ${where}`);
        if (tag === 'style') found.push(`style element: ${where} ${e.parentNode === root ? '' : tag}`.trim());
        for (const a of e.getAttributeNames()) {
          if (a === 'style' || a.startsWith('on')) found.push(`${a} attribute on <${tag}>: ${where}`);
        }
        if (e.shadowRoot) walk(e.shadowRoot, `${where} > ${tag}`);
      }
    };
    walk(document, 'document');
    return found;
  });
}

// Registers the file's set-up: one server and one browser for all its
// tests. The returned object has `server` and `browser` once they start.
export function useServerAndBrowser(options) {
  const env = {};
  before(async () => {
    env.server = await startServer(options);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
