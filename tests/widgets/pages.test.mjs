// The contact form with <kb-deflect>, the agent console and the dashboard,
// in Chromium against a real kb-server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ADMIN_KEY, AGENT_KEY, axeViolations, inlineCode, screenshot, summary, waitForEvents, watchForCspViolations, watchForScript, watchSearches, composeWithInputMethod, recordEvents, sentEvent, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

const deflect = (page) => page.locator('kb-deflect');

test('the contact form suggests articles, and one can answer the question', async () => {
  const before = await summary(env.server.url);
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/contact`);
  await page.fill('#subject', 'Files not syncing on my Mac');
  await deflect(page).getByRole('link').first().waitFor();
  const titles = await deflect(page).getByRole('link').allTextContents();
  assert.ok(titles.includes('Files are not syncing on macOS'), titles.join(' | '));
  await deflect(page).getByRole('link', { name: 'Files are not syncing on macOS' }).click();
  await deflect(page).locator('.article-title').waitFor();
  await deflect(page).getByRole('button', { name: 'This answered my question' }).click();
  await deflect(page).getByText('You do not need to send the form.').waitFor();
  await screenshot(page, 'contact-deflected');
  assert.deepEqual(await axeViolations(page), []);
  const s = await waitForEvents(env.server.url, (x) => x.resolutions === before.resolutions + 1, 'the resolution');
  assert.equal(s.help_sessions, before.help_sessions + 1);
  assert.equal(s.escalated_sessions, before.escalated_sessions);
  const article = s.articles.find((a) => a.article_id === 'files-not-syncing-macos');
  assert.equal(article.resolutions, 1);
  assert.equal(article.deflections, 1);
  await page.close();
});

test('the contact form searches text an input method has committed, not its kana', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/contact`);
  const searched = watchSearches(page);
  await page.focus('#subject');
  const commit = await composeWithInputMethod(page, 'せいきゅうしょ');
  await page.waitForTimeout(700);  // past the form's debounce
  assert.deepEqual(searched, []);
  await commit('請求書');
  await page.waitForTimeout(700);
  assert.deepEqual(searched, ['請求書']);
  await page.close();
});

test('the contact form searches the text typed before an input method starts, not its kana', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/contact`);
  const searched = watchSearches(page);
  await page.fill('#subject', 'invoice ');
  // Composition starts while the form still waits to search what was typed.
  const commit = await composeWithInputMethod(page, 'せいきゅうしょ');
  await page.waitForTimeout(700);  // past the form's debounce
  assert.equal(await page.inputValue('#subject'), 'invoice せいきゅうしょ');
  assert.deepEqual(searched, ['invoice']);
  await commit('請求書');
  await page.waitForTimeout(700);
  assert.deepEqual(searched, ['invoice', 'invoice 請求書']);
  await page.close();
});

test('the contact form drops a stale response: its suggestions follow the last text', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/contact`);
  // The first text's answer is held back until after the second's.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\/api\/v1\/search\?q=Invoice/, async (route) => { await held; await route.continue(); });
  await page.fill('#subject', 'Invoice shows the wrong company name');
  await page.waitForTimeout(600);  // past the debounce: its search is under way
  await page.fill('#subject', 'Files not syncing on my Mac');
  await deflect(page).getByRole('link').first().waitFor();
  const titles = await deflect(page).getByRole('link').allTextContents();
  assert.ok(titles.includes('Files are not syncing on macOS'), titles.join(' | '));
  const stale = page.waitForResponse((r) => r.url().includes('/api/v1/search?q=Invoice'));
  release();
  await (await stale).finished();
  await page.waitForTimeout(200);
  assert.deepEqual(await deflect(page).getByRole('link').allTextContents(), titles);
  await page.close();
});

test('sending the form records an escalation and still submits it', async () => {
  const before = await summary(env.server.url);
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/contact`);
  await page.fill('#email', 'pat@example.com');
  await page.fill('#subject', 'Invoice shows the wrong company name');
  await page.fill('#description', 'Our invoice lists our old company name and VAT number.');
  await deflect(page).getByRole('link').first().waitFor();
  await screenshot(page, 'contact-suggestions');
  await page.click('button[type=submit]');
  await page.locator('h1', { hasText: 'Thanks, we have your request' }).waitFor();
  const s = await waitForEvents(env.server.url, (x) => x.escalated_sessions === before.escalated_sessions + 1, 'the escalation');
  assert.equal(s.help_sessions, before.help_sessions + 1);
  await page.close();
});

test('the form submits normally when the search server is down', async () => {
  const page = await env.browser.newPage();
  const script = watchForScript(page);
  await page.route(/\/api\/v1\//, (route) => route.abort('connectionrefused'));
  await page.goto(`${env.server.url}/contact`);
  await page.fill('#email', 'pat@example.com');
  await page.fill('#subject', 'Cannot sign in');
  await page.fill('#description', 'It says my password is wrong.');
  await page.waitForTimeout(600);  // the suggestion request fails
  assert.equal(await deflect(page).locator('.box').isHidden(), true);
  await page.click('button[type=submit]');
  await page.locator('h1', { hasText: 'Thanks, we have your request' }).waitFor();
  assert.deepEqual(script.filter((s) => s.startsWith('error')), []);
  await page.close();
});

test('the agent console asks for a key once and shows internal articles with it', async () => {
  const context = await env.browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${env.server.url}/agent`);
  await page.getByLabel('Key').waitFor();
  await screenshot(page, 'agent-key');
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('Key').fill('not-a-key');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('This key was not accepted.').waitFor();
  await page.getByLabel('Key').fill(AGENT_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();

  const box = page.getByRole('combobox', { name: 'Search articles' });
  await box.waitFor();
  await box.fill('refund approval limit');
  await page.locator('#results li[role=option]').first().waitFor();
  const first = page.locator('#results li[role=option]').first();
  assert.match(await first.textContent(), /Internal/);
  // Keyboard only: Esc leaves the box, j/k move, Enter opens, c and l copy.
  await box.press('Escape');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await first.getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Enter');
  const heading = page.locator('section.article h2');
  await heading.waitFor();
  assert.match(await heading.textContent(), /Internal$/);
  await page.keyboard.press('c');
  await page.getByText('Answer copied').waitFor();
  const answer = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(answer.startsWith((await heading.textContent()).replace(/ Internal$/, '')), answer);
  await page.keyboard.press('l');
  await page.getByText('Link copied').waitFor();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), new RegExp(`^${env.server.url}/\\?article=`));
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await screenshot(page, 'agent-console');
  assert.deepEqual(await axeViolations(page), []);

  // The key is remembered, and never put in a URL.
  await page.reload();
  await box.waitFor();
  assert.equal(requests.some((u) => u.includes(AGENT_KEY)), false);
  // Lookups are agent usage, not customer searches.
  const s = await summary(env.server.url);
  assert.ok(s.agent_usage.lookups >= 1, JSON.stringify(s.agent_usage));
  await context.close();
});

test('the agent console waits for an input method and leaves it its Enter', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/agent`);
  await page.getByLabel('Key').fill(AGENT_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();
  const box = page.getByRole('combobox', { name: 'Search articles' });
  await box.fill('invoice');
  await page.locator('#results li[role=option]').first().waitFor();
  const searched = watchSearches(page);
  await box.selectText();
  const commit = await composeWithInputMethod(page, 'せいきゅうしょ');
  await box.evaluate((el) => el.dispatchEvent(new KeyboardEvent('keydown',
    { key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true })));
  await page.waitForTimeout(400);
  assert.deepEqual(searched, []);
  assert.equal(await page.locator('section.article h2').count(), 0);
  await commit('請求書');
  await page.waitForTimeout(400);
  assert.deepEqual(searched, ['請求書']);
  await page.close();
});

test('the agent console drops a stale response: the list shows the last query', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/agent`);
  await page.getByLabel('Key').fill(AGENT_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();
  const box = page.getByRole('combobox', { name: 'Search articles' });
  await box.waitFor();
  // The first query's answer is held back until after the second's.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\/api\/v1\/search\?q=invoice/, async (route) => { await held; await route.continue(); });
  await box.fill('invoice');
  await box.fill('locked account');
  const results = page.locator('#results li[role=option] .t');
  await results.first().waitFor();
  const titles = await results.allTextContents();
  assert.equal(titles[0].trimEnd(), 'My account is locked after too many sign-in attempts');
  const stale = page.waitForResponse((r) => r.url().includes('/api/v1/search?q=invoice'));
  release();
  await (await stale).finished();
  await page.waitForTimeout(200);
  assert.deepEqual(await results.allTextContents(), titles);
  await page.close();
});

test('an article opened in the agent console counts as agent usage, not as a customer view', async () => {
  const before = await summary(env.server.url);
  const page = await env.browser.newPage();
  await recordEvents(page);
  await page.goto(`${env.server.url}/agent`);
  await page.getByLabel('Key').fill(AGENT_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();
  const box = page.getByRole('combobox', { name: 'Search articles' });
  await box.fill('refund approval limit');
  await page.locator('#results li[role=option]').first().waitFor();
  const [article] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/v1/articles/')),
    box.press('Enter'),
  ]);
  const id = decodeURIComponent(new URL(article.url()).pathname.split('/').pop());
  await page.locator('section.article h2').waitFor();
  const uses = (x, which) => x.agent_usage.top_articles.filter((a) => which === undefined || a.article_id === which)
    .reduce((n, a) => n + a.uses, 0);
  const s = await waitForEvents(env.server.url, (x) => uses(x) === uses(before) + 1, 'the agent view');
  assert.equal(uses(s, id), uses(before, id) + 1);
  const views = (x) => x.articles.reduce((n, a) => n + a.views, 0);
  assert.equal(views(s), views(before));
  // Copying the answer is a use of the article for the lookup's query.
  await page.keyboard.press('c');
  const use = await sentEvent(page, 'use');
  assert.equal(use.channel, 'agent');
  assert.equal(use.action, 'copy_answer');
  assert.equal(use.article_id, id);
  assert.match(use.query_id, /^[0-9a-f]{32}$/);
  await page.close();
});

test('without the agent key, internal articles stay hidden', async () => {
  const page = await env.browser.newPage();
  const res = await page.request.get(`${env.server.url}/api/v1/search?q=refund+approval+limit`);
  const body = await res.json();
  assert.equal(body.results.some((r) => r.audience === 'internal'), false);
  await page.goto(`${env.server.url}/`);
  const input = page.locator('kb-search').locator('input[role=combobox]');
  await input.fill('refund approval limit');
  await page.locator('kb-search').locator('li[role=option], .empty').first().waitFor();
  const titles = await page.locator('kb-search').locator('li[role=option] .title').allTextContents();
  for (const t of titles) assert.doesNotMatch(t, /approval limits/i);
  await page.close();
});

test('the dashboard draws its chart and tables, sorts them, and exports CSV', async () => {
  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/dashboard`);
  await page.getByLabel('Key').fill(AGENT_KEY);  // an agent key is not enough
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('This key was not accepted.').waitFor();
  await page.getByLabel('Key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('.tiles').waitFor();
  const s = await summary(env.server.url);
  const tile = async (label) => (await page.locator('.tile', { hasText: label }).locator('.v').textContent());
  assert.equal(await tile('Help sessions'), String(s.help_sessions));
  assert.equal(await tile('Escalated sessions'), String(s.escalated_sessions));
  assert.equal(await tile('Deflection rate'), s.deflection_rate === null ? '–' : `${(s.deflection_rate * 100).toFixed(1)}%`);
  // Two charts, each with a drawn series.
  assert.equal(await page.locator('svg[role=img] path.series').count(), 2);
  const d = await page.locator('svg[role=img] path.series').first().getAttribute('d');
  assert.match(d, /^M[\d.]+,[\d.]+/);
  // Tables hold what the summary says.
  const articles = page.getByRole('region', { name: 'Articles', exact: true });
  assert.equal(await articles.locator('tbody tr').count(), s.articles.length);
  await articles.getByRole('button', { name: 'Views' }).click();
  assert.equal(await articles.locator('th[aria-sort]').textContent(), 'Views');
  const views = (await articles.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
  assert.deepEqual(views, [...views].sort((a, b) => b - a));
  const gaps = page.getByRole('region', { name: 'Content gaps', exact: true });
  assert.equal(await gaps.locator('tbody tr').count(), Math.max(1, s.content_gaps.length));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('region', { name: 'Top queries' }).getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'top-queries.csv');
  const csv = readFileSync(await download.path(), 'utf8').split('\n');
  assert.equal(csv[0], 'Query,Searches,With click,Zero results,No click');
  assert.equal(csv.length - 2, s.top_queries.length);
  await screenshot(page, 'dashboard');
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

test('the dashboard lists what was learned, promotes a phrasing as a change, and rejects one for good', async () => {
  // Five customers of five networks (behind the trusted proxy) search in
  // English and resolve with the password article (which has translations:
  // a search that names no locale teaches none of them); the server learns
  // within a second.
  const url = env.server.url;
  for (let i = 0; i < 5; i++) {
    const from = { 'X-Forwarded-For': `198.51.${100 + i}.7` };
    const session = `learned-view-${i}`;
    const res = await fetch(`${url}/api/v1/search?q=${encodeURIComponent('credentials vanished')}&locale=en&session_id=${session}&channel=widget`, { headers: from });
    const { query_id: queryId } = await res.json();
    const post = await fetch(`${url}/api/v1/events`, {
      method: 'POST', headers: { ...from, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events: [{ event_id: `${session}-r`, type: 'resolve', session_id: session, channel: 'widget', locale: 'en', query_id: queryId, article_id: 'reset-password' }] }),
    });
    assert.equal(post.status, 202);
  }
  const learned = async () => (await (await fetch(`${url}/api/v1/admin/learned`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json());
  let list;
  for (let i = 0; i < 100 && !(list = await learned()).phrasings; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(list.articles.map((a) => [a.id, a.learned.map((p) => [p.text, p.clients, p.audience])]),
    [['reset-password', [['credentials vanished', 5, 'public']]]]);

  const page = await env.browser.newPage();
  await page.goto(`${url}/dashboard`);
  await page.getByLabel('Key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();
  const region = page.getByRole('region', { name: 'Learned phrasings' });
  await region.locator('tbody tr').first().waitFor();
  assert.equal(await region.locator('caption').textContent(), '1 phrasing learned from usage');
  assert.deepEqual(await region.locator('tbody tr td').allTextContents(),
    ['How do I reset my password?reset-password (en)', 'credentials vanished', 'Customers', '5', 'Reject Promote']);

  await region.getByRole('button', { name: 'Promote “credentials vanished” into the questions of reset-password' }).click();
  const diff = region.getByRole('region', { name: 'Change to en/account/reset-password.md' }).or(region.locator('pre.diff'));
  await diff.waitFor();
  const text = await diff.textContent();
  assert.match(text, /^--- a\/en\/account\/reset-password\.md\n\+\+\+ b\/en\/account\/reset-password\.md\n@@ /);
  assert.match(text, /\n\+  - credentials vanished\n/);
  assert.equal((await learned()).phrasings, 1);  // promoting changes nothing on the server

  await screenshot(page, 'dashboard-learned');
  assert.deepEqual(await axeViolations(page), []);
  await region.getByRole('button', { name: 'Reject “credentials vanished” for reset-password' }).click();
  await region.getByText('Rejected “credentials vanished” for reset-password: it will not be learned again.').waitFor();
  assert.equal(await region.locator('tbody tr').count(), 0);
  assert.deepEqual(await learned(), { articles: [], phrasings: 0 });
  await new Promise((r) => setTimeout(r, 1500));  // a learning run later
  assert.deepEqual(await learned(), { articles: [], phrasings: 0 });
  await page.close();
});

test('every page works under its Content-Security-Policy: no inline script, style or handler', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const refused = watchForCspViolations(page);
  const policy = async (path) => {
    const res = await page.goto(`${env.server.url}${path}`);
    assert.equal(res.status(), 200, path);
    const csp = res.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self';/, path);
    assert.match(csp, /style-src 'self';/, path);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    assert.equal(res.headers()['x-content-type-options'], 'nosniff', path);
  };

  await policy('/');
  const search = page.locator('kb-search');
  await search.locator('input[role=combobox]').fill('reset password');
  await search.locator('li[role=option]').first().click();
  await search.locator('.article-title').waitFor();
  // The shadow DOM's styles apply: the widget's box is laid out by them.
  assert.equal(await search.locator('input[role=combobox]').evaluate((e) => getComputedStyle(e).borderTopLeftRadius), '9.6px');
  assert.deepEqual(await inlineCode(page), []);

  await policy('/contact');
  await page.fill('#subject', 'Files not syncing on my Mac');
  await deflect(page).getByRole('link').first().click();
  await deflect(page).locator('.article-title').waitFor();
  assert.deepEqual(await inlineCode(page), []);
  await page.fill('#email', 'pat@example.com');
  await page.fill('#description', 'They stopped yesterday.');
  await page.click('button[type=submit]');
  await page.locator('h1', { hasText: 'Thanks, we have your request' }).waitFor();
  assert.deepEqual(await inlineCode(page), []);

  await policy('/agent');
  await page.getByLabel('Key').fill(AGENT_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('combobox', { name: 'Search articles' }).fill('refund approval limit');
  await page.locator('#results li[role=option]').first().click();
  await page.locator('section.article h2').waitFor();
  assert.equal(await page.locator('header.bar .keys').evaluate((e) => getComputedStyle(e).color), 'rgb(201, 207, 221)');
  assert.deepEqual(await inlineCode(page), []);

  await policy('/dashboard');
  await page.getByLabel('Key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('.tiles').waitFor();
  await page.locator('caption').first().waitFor();
  assert.equal(await page.locator('caption').first().evaluate((e) => getComputedStyle(e).textAlign), 'left');
  assert.deepEqual(await inlineCode(page), []);

  assert.deepEqual(refused, []);
  await context.close();
});
