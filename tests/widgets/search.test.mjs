// <kb-search> on the demo help center, in Chromium against a real kb-server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XSS, axeViolations, screenshot, summary, waitForEvents, watchForScript, watchSearches, composeWithInputMethod, recordEvents, sentEvent, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

const input = (page) => page.locator('kb-search').locator('input[role=combobox]');
const options = (page) => page.locator('kb-search').locator('li[role=option]');

test('a misspelled query finds its article, chosen with the keyboard', async () => {
  const page = await env.browser.newPage();
  const script = watchForScript(page);
  await page.goto(`${env.server.url}/`);
  await input(page).fill('pasword reset');  // one input event: one search
  await options(page).first().waitFor();
  const note = page.locator('kb-search').locator('.note');
  assert.equal(await note.textContent(), 'Showing results for “password reset”');
  const titles = await options(page).locator('.title').allTextContents();
  assert.ok(titles.includes('How do I reset my password?'), titles.join(' | '));
  assert.equal(await input(page).getAttribute('aria-expanded'), 'true');
  await screenshot(page, 'help-center-results');

  // ↓ moves the active option; Enter opens it inside the widget.
  const wanted = titles.indexOf('How do I reset my password?');
  for (let i = 0; i <= wanted; i++) await input(page).press('ArrowDown');
  const active = await input(page).getAttribute('aria-activedescendant');
  assert.equal(active, `kb-opt-${wanted}`);
  assert.equal(await page.locator('kb-search').locator(`#${active}`).getAttribute('aria-selected'), 'true');
  await input(page).press('Enter');
  const heading = page.locator('kb-search').locator('.article-title');
  await heading.waitFor();
  assert.equal(await heading.textContent(), 'How do I reset my password?');
  assert.equal(await input(page).getAttribute('aria-expanded'), 'false');
  await screenshot(page, 'help-center-article');
  assert.deepEqual(await axeViolations(page), []);

  // Escape closes the article again.
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('kb-search').locator('.article').isHidden(), true);
  assert.deepEqual(script, []);
  await page.close();
});

test('votes, resolutions and escalations reach the analytics exactly', async () => {
  const before = await summary(env.server.url);
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/`);
  await input(page).fill('cancel subscription');
  await options(page).first().waitFor();
  await input(page).press('Enter');  // the first result
  await page.locator('kb-search').locator('.article-title').waitFor();
  const shadow = page.locator('kb-search');
  await shadow.getByRole('button', { name: 'Yes' }).click();
  await shadow.getByRole('status').filter({ hasText: 'Thanks for your feedback!' }).waitFor();
  await page.locator('kb-search').locator('.back').click();
  await input(page).press('ArrowDown');
  await input(page).press('Enter');
  await shadow.getByRole('button', { name: 'This solved my problem' }).click();
  await shadow.getByText('Glad it is solved!').waitFor();
  await screenshot(page, 'help-center-feedback');
  await Promise.all([
    page.waitForURL(`${env.server.url}/contact`),
    shadow.getByRole('button', { name: 'Contact support' }).click(),
  ]);

  // Each view is sent when its article is closed: the first by "Back", the
  // second as the page is left for the contact form.
  const views = (x) => x.articles.reduce((n, a) => n + a.views, 0);
  const s = await waitForEvents(env.server.url, (x) => x.escalated_sessions === before.escalated_sessions + 1 &&
    views(x) === views(before) + 2, 'escalation and both views');
  assert.equal(s.help_sessions, before.help_sessions + 1);
  assert.equal(s.searches, before.searches + 1);
  assert.equal(s.resolutions, before.resolutions + 1);
  assert.equal(s.clicks, before.clicks + 2);  // the article was chosen twice
  assert.equal(s.searches_with_click, before.searches_with_click + 1);
  const votes = (x) => x.articles.reduce((n, a) => n + a.helpful_yes + a.helpful_no, 0);
  assert.equal(votes(s), votes(before) + 1);
  assert.equal(views(s), views(before) + 2);
  await page.close();
});

test('an article view is sent when the article is closed, with how long it was open', async () => {
  const page = await env.browser.newPage();
  await recordEvents(page);
  await page.goto(`${env.server.url}/`);
  await input(page).fill('cancel subscription');
  await options(page).first().waitFor();
  const beforeOpening = Date.now();  // the widget's clock starts after this, once the article shows
  await input(page).press('Enter');
  await page.locator('kb-search').locator('.article-title').waitFor();
  await page.waitForTimeout(400);
  assert.deepEqual(await page.evaluate(() => window.__events.filter((e) => e.type === 'view')), []);  // still open
  await page.locator('kb-search').locator('.back').click();
  const view = await sentEvent(page, 'view');
  const closed = Date.now();
  assert.equal(view.channel, 'widget');
  assert.ok(view.dwell_ms >= 400 && view.dwell_ms <= closed - beforeOpening, `dwell_ms ${view.dwell_ms} of at most ${closed - beforeOpening}`);
  await page.close();
});

test('hostile article text and queries are shown as text, never run', async () => {
  const page = await env.browser.newPage();
  const script = watchForScript(page);
  await page.goto(`${env.server.url}/`);
  await input(page).fill('zebrafish');
  await options(page).first().waitFor();
  const title = await options(page).first().locator('.title').textContent();
  assert.equal(title, `Hostile ${XSS} title`);
  await input(page).press('Enter');
  const heading = page.locator('kb-search').locator('.article-title');
  await heading.waitFor();
  assert.equal(await heading.textContent(), `Hostile ${XSS} title`);
  assert.equal(await page.locator('kb-search').locator('.article img, .article script').count(), 0);
  // A hostile query, including one that finds nothing.
  await page.locator('kb-search').locator('.back').click();
  await input(page).fill(`${XSS} zebrafish`);
  await options(page).first().waitFor();
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/search?q=%3Cscript')),
    input(page).fill(`<script>window.__xss=1</script>${XSS} qqqq`),
  ]);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('kb-search').locator('.panel img, .panel script').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(script, []);
  await screenshot(page, 'help-center-hostile');
  await page.close();
});

test('stale responses are dropped: the box shows the last query', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/`);
  // The first query's answer is held back until after the second's.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\/api\/v1\/search\?q=invoice/, async (route) => { await held; await route.continue(); });
  await input(page).fill('invoice');
  await page.waitForTimeout(250);
  await input(page).fill('locked account');
  await options(page).first().waitFor();
  release();
  await page.waitForTimeout(300);
  const titles = await options(page).locator('.title').allTextContents();
  assert.equal(titles[0], 'My account is locked after too many sign-in attempts');
  await page.close();
});

test('the help center links straight to an article', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/?article=download-invoice`);
  const heading = page.locator('kb-search').locator('.article-title');
  await heading.waitFor();
  assert.equal(await heading.textContent(), 'Where can I download my invoices?');
  await screenshot(page, 'help-center-home');
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test('an input method composing text neither searches nor takes Enter', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}/`);
  const searched = watchSearches(page);
  await input(page).fill('invoice');
  await options(page).first().waitFor();
  assert.deepEqual(searched, ['invoice']);

  // Japanese typed through an input method: kana first, then converted.
  await input(page).selectText();
  const commit = await composeWithInputMethod(page, 'せいきゅうしょ');
  assert.equal(await input(page).inputValue(), 'せいきゅうしょ');
  // Enter confirms the input method's conversion; it must not open a result.
  await input(page).evaluate((el) => el.dispatchEvent(new KeyboardEvent('keydown',
    { key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, composed: true, cancelable: true })));
  await page.waitForTimeout(400);  // past the debounce
  assert.deepEqual(searched, ['invoice']);
  assert.equal(await page.locator('kb-search').locator('.article').isHidden(), true);

  // Committed, it is searched once.
  await commit('請求書');
  assert.equal(await input(page).inputValue(), '請求書');
  await page.waitForTimeout(400);
  assert.deepEqual(searched, ['invoice', '請求書']);
  await page.close();
});
