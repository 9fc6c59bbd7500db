// Three kb-server replicas behind deploy/nginx, with their events in one
// real PostgreSQL 15 (started here with initdb, as the postgres user when
// run as root): a replica killed with SIGKILL under a search load costs no
// failed search, a restarted one is sent searches again, and the events
// posted through nginx, whichever replica took them, are in every
// replica's summary.
//
// Environment (set by ctest): KB_SERVER_BIN, KB_INDEX_BIN, KB_SOURCE_DIR.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { exited, freePort, waitForStderr } from './processes.mjs';

const source = process.env.KB_SOURCE_DIR ?? new URL('../..', import.meta.url).pathname;
const serverBin = process.env.KB_SERVER_BIN ?? join(source, 'build/server/kb-server');
const indexBin = process.env.KB_INDEX_BIN ?? join(source, 'build/indexer/kb-index');
const PG_BIN = '/usr/lib/postgresql/15/bin';
const ADMIN_KEY = 'replicas-admin-key';
const env = { replicas: [] };

// Runs a PostgreSQL command, as the postgres user when this is root.
function pg(command, args) {
  const asRoot = userInfo().uid === 0;
  return execFileSync(asRoot ? 'runuser' : join(PG_BIN, command),
    asRoot ? ['-u', 'postgres', '--', join(PG_BIN, command), ...args] : args, { stdio: 'pipe' });
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// A GET or POST over HTTPS to nginx (a new connection each time), or over
// plain HTTP straight to a replica when `port` is given.
function request(path, { method = 'GET', body, headers = {}, port } = {}) {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: port ?? env.httpsPort, path, method, agent: false,
      headers: { Host: 'localhost', ...headers } };
    if (port === undefined) Object.assign(options, { ca: env.cert, servername: 'localhost' });
    const req = (port === undefined ? https : http).request(options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.setTimeout(10000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

async function startReplica(i) {
  const r = env.replicas[i];
  r.child = spawn(serverBin, ['--config', r.config], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForStderr(r.child, /serving .* on http:\/\/127\.0\.0\.1:(\d+)\//, `replica ${i}`);
}

// How many searches replica `i` has answered, from its /metrics.
async function searchesAnswered(i) {
  const metrics = (await request('/metrics', { port: env.replicas[i].port })).body;
  const m = metrics.match(/kb_http_requests_total\{route="search",status="200"\} (\d+)/);
  return m ? Number(m[1]) : 0;
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-replicas-'));
  env.dir = dir;
  // PostgreSQL, in a directory of its own.
  const data = join(dir, 'pg');
  mkdirSync(data);
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  env.pgData = data;
  const pgPort = await freePort();
  pg('pg_ctl', ['-D', data, '-l', join(dir, 'pg.log'), '-w', '-o',
    `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  env.pgUp = true;

  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
  env.cert = readFileSync(join(dir, 'cert.pem'));
  execFileSync(indexBin, ['build', '--corpus', join(source, 'corpus'), '--index', join(dir, 'index')], { stdio: 'pipe' });

  // Three replicas with one configuration but for the port; no rate limit
  // (the load below is one client).
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const config = join(dir, `kb-${i}.toml`);
    writeFileSync(config, `
[server]
port = ${port}
access_log = ""
widgets_dir = "${join(source, 'widgets')}"
trusted_proxies = ["127.0.0.1"]
[index]
path = "${join(dir, 'index')}"
[events]
url = "postgresql://postgres@127.0.0.1:${pgPort}/postgres"
[auth]
admin_keys = ["${ADMIN_KEY}"]
[rate_limit]
requests_per_second = 0
[learning]
enabled = false
`);
    env.replicas.push({ port, config });
  }
  for (let i = 0; i < 3; i++) await startReplica(i);

  env.httpsPort = await freePort();
  env.prefix = join(dir, 'nginx');
  execFileSync(join(source, 'deploy/nginx/render'), ['--out', env.prefix, '--standalone', '--user', 'root',
    ...env.replicas.flatMap((r) => ['--upstream', `127.0.0.1:${r.port}`]),
    '--https-listen', `127.0.0.1:${env.httpsPort}`, '--http-listen', `127.0.0.1:${await freePort()}`,
    '--server-name', 'localhost', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'),
    '--widgets', join(source, 'widgets'), '--access-log', 'off', '--req-rate', '100000r/s', '--req-burst', '100000',
    '--conn-per-client', '1000'], { stdio: 'pipe' });
  const nginxArgs = ['-p', env.prefix, '-c', join(env.prefix, 'nginx.conf'), '-e', join(env.prefix, 'error.log')];
  env.nginx = spawn('nginx', [...nginxArgs, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; ; i++) {
    try {
      if ((await request('/healthz')).status === 200) break;
    } catch (e) {
      if (i > 200) throw new Error(`nginx did not start: ${e.message}`);
      await sleep(50);
    }
  }
});

after(async () => {
  env.nginx?.kill('SIGTERM');
  for (const r of env.replicas) r.child?.kill('SIGTERM');
  if (env.nginx) await exited(env.nginx);
  for (const r of env.replicas) if (r.child) await exited(r.child);
  if (env.pgUp) pg('pg_ctl', ['-D', env.pgData, '-m', 'immediate', '-w', 'stop']);
  if (env.dir) rmSync(env.dir, { recursive: true, force: true });
});

test('a replica killed under a search load costs no failed search, and is sent searches again once restarted', async () => {
  const queries = ['refund', 'reset password', 'invoice', 'vpn', 'passwort', 'shipping', 'cancel subscription'];
  let running = true;
  let sent = 0;
  const failures = [];
  const client = async (k) => {
    for (let n = 0; running; n++) {
      const q = encodeURIComponent(queries[(k + n) % queries.length]);
      sent++;
      try {
        const res = await request(`/api/v1/search?q=${q}&page=${1 + (n % 3)}`);
        if (res.status !== 200) failures.push(`${res.status} ${res.body}`);
      } catch (e) {
        failures.push(e.message);
      }
    }
  };
  const clients = Array.from({ length: 8 }, (_, k) => client(k));
  await sleep(1000);
  const victim = env.replicas[1];
  victim.child.kill('SIGKILL');
  await exited(victim.child);
  victim.child = null;
  await sleep(2000);
  running = false;
  await Promise.all(clients);
  assert.deepEqual(failures, []);
  assert.ok(sent > 100, `only ${sent} searches were sent`);

  await startReplica(1);
  assert.equal(await searchesAnswered(1), 0);
  // nginx tries it again after its fail_timeout (10 s).
  let answered = 0;
  for (let i = 0; i < 400 && answered === 0; i++) {
    const res = await request('/api/v1/search?q=refund');
    assert.equal(res.status, 200);
    answered = await searchesAnswered(1);
    if (answered === 0) await sleep(50);
  }
  assert.ok(answered > 0, 'the restarted replica was never sent a search');
});

test('events posted through nginx are in every replica\'s summary', async () => {
  const batch = (first, n) => JSON.stringify({ events: Array.from({ length: n }, (_, i) => ({
    event_id: `view-${first + i}`, type: 'view', session_id: `s-${first + i}`, channel: 'widget',
    article_id: 'reset-password' })) });
  let stored = 0;
  for (let b = 0; b < 9; b++) {
    const res = await request('/api/v1/events', { method: 'POST', body: batch(b * 10, 10),
      headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 202, res.body);
    stored += JSON.parse(res.body).accepted;
  }
  assert.equal(stored, 90);
  for (const r of env.replicas) {
    const res = await request('/api/v1/analytics/summary', { port: r.port,
      headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.status, 200, res.body);
    const summary = JSON.parse(res.body);
    assert.equal(summary.help_sessions, 90);
    assert.equal(summary.articles.find((a) => a.article_id === 'reset-password').views, 90);
  }
});
