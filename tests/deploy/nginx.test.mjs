// The reverse-proxy deployment (deploy/nginx) as an operator runs it:
// Debian's nginx, configured by deploy/nginx/render with a certificate
// this test makes with openssl, in front of a real kb-server on the bundled
// corpus. Requests go over HTTPS from several loopback addresses, so that
// nginx and kb-server each see distinct clients.
//
// Environment (set by ctest): KB_SERVER_BIN, KB_INDEX_BIN, KB_SOURCE_DIR.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, freePort, waitForStderr } from './processes.mjs';

const source = process.env.KB_SOURCE_DIR ?? new URL('../..', import.meta.url).pathname;
const serverBin = process.env.KB_SERVER_BIN ?? join(source, 'build/server/kb-server');
const indexBin = process.env.KB_INDEX_BIN ?? join(source, 'build/indexer/kb-index');
const ADMIN_KEY = 'deploy-admin-key';

const env = {};

// One request to nginx, from the loopback address `from`; HTTPS (verified
// against the test's certificate) unless `plain`.
function request(path, { method = 'GET', headers = {}, body, from = '127.0.0.2', plain = false, port } = {}) {
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1', port: port ?? env.httpsPort, path, method, localAddress: from, agent: false,
      headers: { Host: 'localhost', ...headers },
    };
    if (!plain) Object.assign(options, { ca: env.cert, servername: 'localhost' });
    const req = (plain ? http : https).request(options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (r) => JSON.parse(r.body);

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-deploy-'));
  env.dir = dir;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
  env.cert = readFileSync(join(dir, 'cert.pem'));
  execFileSync(indexBin, ['build', '--corpus', join(source, 'corpus'), '--index', join(dir, 'index')], { stdio: 'pipe' });

  // kb-server believes nginx (127.0.0.1) about its clients. Its bucket of
  // 20 requests refills so slowly that the 21st of one client is refused.
  writeFileSync(join(dir, 'kb.toml'), `
[server]
port = 0
access_log = "${join(dir, 'kb-access.log')}"
widgets_dir = "${join(source, 'widgets')}"
trusted_proxies = ["127.0.0.1"]
[index]
path = "${join(dir, 'index')}"
[events]
path = "${join(dir, 'events.sqlite')}"
[auth]
admin_keys = ["${ADMIN_KEY}"]
[rate_limit]
requests_per_second = 0.01
burst = 20
`);
  env.kb = spawn(serverBin, ['--config', join(dir, 'kb.toml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const [, kbPort] = await waitForStderr(env.kb, /http:\/\/127\.0\.0\.1:(\d+)\//, 'kb-server');

  // nginx allows each client 1 request a minute with a burst of 30: well
  // above what any test here sends, except the one that runs into it.
  env.httpsPort = await freePort();
  env.httpPort = await freePort();
  env.prefix = join(dir, 'nginx');
  execFileSync(join(source, 'deploy/nginx/render'), ['--out', env.prefix, '--standalone', '--user', 'root',
    '--upstream', `127.0.0.1:${kbPort}`, '--https-listen', `127.0.0.1:${env.httpsPort}`,
    '--http-listen', `127.0.0.1:${env.httpPort}`, '--server-name', 'localhost',
    '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--widgets', join(source, 'widgets'),
    '--access-log', join(env.prefix, 'access.log'), '--req-rate', '1r/m', '--req-burst', '30'], { stdio: 'pipe' });
  const nginxArgs = ['-p', env.prefix, '-c', join(env.prefix, 'nginx.conf'), '-e', join(env.prefix, 'error.log')];
  execFileSync('nginx', ['-t', '-q', ...nginxArgs], { stdio: 'pipe' });
  env.nginx = spawn('nginx', [...nginxArgs, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; ; i++) {
    try {
      if ((await request('/healthz', { from: '127.0.0.1' })).status === 200) break;
    } catch (e) {
      if (i > 200 || env.nginx.exitCode !== null) {
        throw new Error(`nginx did not start: ${e.message}\n${readFileSync(join(env.prefix, 'error.log'), 'utf8')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});

after(async () => {
  env.nginx?.kill('SIGTERM');
  env.kb?.kill('SIGTERM');
  if (env.nginx) await exited(env.nginx);
  if (env.kb) await exited(env.kb);
  if (env.dir) rmSync(env.dir, { recursive: true, force: true });
});

test('the rendered kbsearch.conf also passes inside Debian\'s own nginx.conf, as conf.d/ includes it', () => {
  const debian = readFileSync('/etc/nginx/nginx.conf', 'utf8');
  assert.match(debian, /include \/etc\/nginx\/conf\.d\/\*\.conf;/);
  const conf = join(env.dir, 'debian-nginx.conf');
  writeFileSync(conf, debian.replace('/etc/nginx/conf.d/*.conf', join(env.prefix, 'kbsearch.conf')));
  execFileSync('nginx', ['-t', '-q', '-c', conf, '-e', join(env.dir, 'debian-error.log')], { stdio: 'pipe' });
});

test('render refuses a value that would change the configuration\'s syntax, and says which', () => {
  const render = (...args) => {
    try {
      execFileSync(join(source, 'deploy/nginx/render'), ['--out', join(env.dir, 'bad'), '--cert', '/c.pem',
        '--key', '/k.pem', '--widgets', '/w', ...args], { stdio: 'pipe' });
      return 'rendered';
    } catch (e) {
      return `${e.status}: ${e.stderr.toString().trim()}`;
    }
  };
  assert.equal(render(), 'rendered');
  assert.equal(render('--server-name', 'a; include /etc/shadow'),
    "2: render: --server-name may not hold spaces or any of ;{}\"'$#\\`: 'a; include /etc/shadow'");
  assert.equal(render('--cert', 'cert.pem'), "2: render: --cert must be an absolute path, got 'cert.pem'");
  assert.equal(render('--req-rate', '30'), "2: render: --req-rate must be a rate such as 30r/s or 100r/m, got '30'");
  assert.equal(render('--upstream', 'kb:80;'), "2: render: --upstream may not hold spaces or any of ;{}\"'$#\\`: 'kb:80;'");
  assert.equal(render('--https-listen', 'all'), "2: render: --https-listen must be [ADDR:]PORT, got 'all'");
  assert.equal(render('--workers', '2'), '2: render: unknown flag --workers');
  // Several replicas, one server line each.
  render('--upstream', '10.0.0.1:8080', '--upstream', '10.0.0.2:8080');
  const conf = readFileSync(join(env.dir, 'bad', 'kbsearch.conf'), 'utf8');
  assert.match(conf, /upstream kbsearch \{\n {4}server 10\.0\.0\.1:8080 max_fails=2 fail_timeout=10s;\n {4}server 10\.0\.0\.2:8080 max_fails=2 fail_timeout=10s;\n/);
});

test('searches go over HTTPS through nginx to kb-server', async () => {
  let r = await request('/api/v1/search?q=I+forgot+my+password+and+can%27t+log+in&locale=en');
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(json(r).results[0].id, 'reset-password');
  // nginx's header, and kb-server's.
  assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  assert.equal(r.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers.server, 'nginx');

  r = await request('/api/v1/search?q=how+do+i+resett+my+pasword&locale=en');
  assert.equal(r.status, 200);
  assert.equal(json(r).did_you_mean, 'how do i reset my password');
  assert.equal(json(r).results[0].id, 'reset-password');

  r = await request('/api/v1/articles/reset-password?locale=en');
  assert.equal(r.status, 200);
  assert.equal(json(r).id, 'reset-password');
  assert.equal(json(r).title, 'How do I reset my password?');

  r = await request('/api/v1/search?locale=en');
  assert.equal(r.status, 400);
  assert.equal(json(r).error.code, 'invalid_query');
  r = await request('/api/v1/nope');
  assert.equal(r.status, 404);
  assert.equal(json(r).error.code, 'not_found');
});

test('events posted over HTTPS are stored and counted', async () => {
  const view = { event_id: 'deploy-view-1', type: 'view', session_id: 'deploy-session', channel: 'widget',
    article_id: 'reset-password', locale: 'en' };
  const post = () => request('/api/v1/events', { method: 'POST', from: '127.0.0.3',
    headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ events: [view] }) });
  let r = await post();
  assert.equal(r.status, 202, r.body);
  assert.deepEqual(json(r), { accepted: 1, duplicates: 0 });
  r = await post();  // a resend
  assert.equal(r.status, 202);
  assert.deepEqual(json(r), { accepted: 0, duplicates: 1 });
  r = await request('/api/v1/events', { method: 'POST', from: '127.0.0.3', body: '{"events": [{}]}' });
  assert.equal(r.status, 400);
  assert.equal(json(r).error.code, 'invalid_events');

  r = await request('/api/v1/analytics/summary', { from: '127.0.0.3' });
  assert.equal(r.status, 401);
  r = await request('/api/v1/analytics/summary', { from: '127.0.0.3', headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(r.status, 200, r.body);
  assert.equal(json(r).help_sessions, 1);
  assert.equal(json(r).articles.find((a) => a.article_id === 'reset-password').views, 1);

  // A body over the limit is refused by nginx, in the API's shape.
  r = await request('/api/v1/events', { method: 'POST', from: '127.0.0.3', body: 'x'.repeat(262145) });
  assert.equal(r.status, 400);
  assert.deepEqual(json(r), { error: { code: 'body_too_large', message: 'the body is over the size limit' } });
});

test('the widgets come from nginx, with cache headers; the pages from kb-server, with their policy', async () => {
  const from = '127.0.0.4';
  let r = await request('/widgets/kb-search.js', { from });
  assert.equal(r.status, 200);
  assert.equal(r.body, readFileSync(join(source, 'widgets/kb-search.js'), 'utf8'));
  assert.equal(r.headers['content-type'], 'application/javascript');
  assert.equal(r.headers['cache-control'], 'public, max-age=3600');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  assert.ok(r.headers.etag, JSON.stringify(r.headers));
  const etag = r.headers.etag;
  r = await request('/widgets/kb-search.js', { from, headers: { 'If-None-Match': etag } });
  assert.equal(r.status, 304);
  assert.equal(r.headers['cache-control'], 'public, max-age=3600');
  r = await request('/widgets/site.css', { from, headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/css');
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(r.headers['cache-control'], 'public, max-age=3600');

  // Nothing outside the widgets' directory, and no dot files.
  for (const path of ['/widgets/nope.js', '/widgets/.hidden', '/widgets/../kb.example.toml', '/widgets/%2e%2e/README.md',
    '/widgets/..%2fREADME.md']) {
    r = await request(path, { from });
    assert.equal(r.status, 404, path);
    assert.equal(json(r).error.code, 'not_found', path);
  }
  r = await request('/widgets/nope.js', { from });
  assert.deepEqual(json(r), { error: { code: 'not_found', message: 'no such file' } });

  // Pages carry kb-server's Content-Security-Policy.
  for (const path of ['/', '/agent', '/widgets/index.html']) {
    r = await request(path, { from });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', path);
    assert.match(r.headers['content-security-policy'], /^default-src 'self'; script-src 'self'; style-src 'self';.* frame-ancestors 'self'$/, path);
    assert.equal(r.headers['strict-transport-security'], 'max-age=31536000', path);
  }
});

test('plain HTTP to the TLS port is refused; the HTTP port redirects to HTTPS', async () => {
  let r = await request('/api/v1/search?q=password', { plain: true });
  assert.equal(r.status, 400);
  assert.match(r.body, /The plain HTTP request was sent to HTTPS port/);
  r = await request('/contact?from=mail', { plain: true, port: env.httpPort });
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, `https://localhost:${env.httpsPort}/contact?from=mail`);
});

test('kb-server sees each client behind nginx, whatever X-Forwarded-For the client sends', async () => {
  const search = (from, headers = {}) => request('/api/v1/search?q=password&locale=en', { from, headers });
  for (let i = 0; i < 20; i++) assert.equal((await search('127.0.0.5')).status, 200, `request ${i + 1}`);
  let r = await search('127.0.0.5');
  assert.equal(r.status, 429);
  assert.equal(json(r).error.code, 'rate_limited');
  assert.match(json(r).error.message, /^too many requests; try again in \d+ s$/);  // kb-server's, not nginx's
  assert.match(r.headers['retry-after'], /^\d+$/);
  // Spoofed forwarding headers do not buy the client a new bucket.
  for (const headers of [{ 'X-Forwarded-For': '203.0.113.9' }, { Forwarded: 'for=203.0.113.9' },
    { 'X-Forwarded-For': '203.0.113.9, 127.0.0.1' }]) {
    assert.equal((await search('127.0.0.5', headers)).status, 429, JSON.stringify(headers));
  }
  // Another client behind the same nginx has a bucket of its own.
  r = await request('/api/v1/suggest?q=pass&locale=en', { from: '127.0.0.6' });
  assert.equal(r.status, 200, r.body);
});

test('nginx limits each client\'s request rate, with an answer in the API\'s shape', async () => {
  const statuses = [];
  let last;
  for (let i = 0; i < 32; i++) {
    last = await request('/widgets/site.css', { from: '127.0.0.7' });
    statuses.push(last.status);
  }
  assert.deepEqual(statuses, [...Array(31).fill(200), 429]);
  assert.deepEqual(json(last), { error: { code: 'rate_limited', message: 'too many requests from this address' } });
  assert.equal(last.headers['retry-after'], '1');
  // Other clients are not affected.
  assert.equal((await request('/widgets/site.css', { from: '127.0.0.8' })).status, 200);
});

test('stopped, neither log holds a client address; kb-server\'s tells the clients apart', async () => {
  env.nginx.kill('SIGQUIT');  // graceful
  env.kb.kill('SIGTERM');
  assert.equal(await exited(env.nginx), 0);
  assert.equal(await exited(env.kb), 0);
  const kbLog = readFileSync(join(env.dir, 'kb-access.log'), 'utf8');
  const nginxLog = readFileSync(join(env.prefix, 'access.log'), 'utf8');
  for (const address of ['127.0.0.', '203.0.113.9']) {
    assert.equal(kbLog.includes(address), false, `kb-server's log holds ${address}`);
    assert.equal(nginxLog.includes(address), false, `nginx's log holds ${address}`);
  }
  assert.match(nginxLog, / GET \/widgets\/kb-search\.js 200 /);
  const lines = kbLog.trim().split('\n').map((l) => JSON.parse(l));
  // The widgets' files never reached kb-server (its pages, and paths that
  // leave the directory, which it refuses, do).
  assert.deepEqual(lines.filter((l) => /\.(js|css)$/.test(l.path)).map((l) => l.path), []);
  assert.equal(lines.find((l) => l.path === '/widgets/index.html').status, 200);
  // Every refusal was for one client (127.0.0.5), and the suggestion
  // (127.0.0.6) for another; the first event post (127.0.0.3) for a third.
  const refused = new Set(lines.filter((l) => l.status === 429).map((l) => l.client));
  assert.equal(refused.size, 1);
  const suggest = lines.filter((l) => l.route === 'suggest').map((l) => l.client);
  assert.equal(suggest.length, 1);
  const events = lines.find((l) => l.route === 'events').client;
  assert.equal(new Set([...refused, suggest[0], events]).size, 3);
  env.nginx = undefined;
  env.kb = undefined;
});
