#!/usr/bin/env python3
"""The soak's driver (bench/soak/run starts the server and calls it).

Drives a running kb-server with steady mixed load for --minutes minutes:
--connections keep-alive clients, paced to --rate requests/s in all, each
request drawn at random: a search (60%; one in three carries a session id,
so the server logs it), a suggestion (20%), an article lookup (10%) or a
batch of four events of one help session (10%). Every minute a full
reindex is started over the admin API (with the admin key in
$KB_ADMIN_KEY) and followed to its end. Every --sample seconds the
server's VmRSS and open file descriptors are read from /proc.

An error is any answer other than the one expected (200, 202 for events, a
reindex that does not succeed) and any failed connection. Latency is the
time from sending a request to having read its whole answer.

The slopes are least-squares fits over the samples from the second minute
on (the first is warm-up: connections open, Searchers are created as the
concurrency asks for them); the whole run's are printed too. Prints the
errors as they happen (the first 20), then the report; its last line is
  soak minutes=M requests=N errors=E reindexes=K rss_slope_kib_per_min=X fd_slope_per_min=Y p99_ms_per_10min=A,B,...
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import sys
import threading
import time
import urllib.parse

WINDOW_S = 600
WARM_UP_S = 60
KINDS = ("search", "suggest", "article", "events")
WEIGHTS = (60, 20, 10, 10)


def public_articles(corpus):
    """(id, locale) of every public article of the corpus."""
    out = []
    for root, _, files in os.walk(corpus):
        for name in files:
            if not name.endswith(".md"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            front = text.split("\n---", 1)[0]
            m = re.search(r"^id:\s*(\S+)", front, re.M)
            if not m or re.search(r"^audience:\s*internal", front, re.M):
                continue
            locale = os.path.relpath(path, corpus).split(os.sep)[0]
            out.append((m.group(1), locale))
    return sorted(out)


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t", 1) for line in f][1:]
    return [r[1] for r in rows if len(r) == 2 and r[1]]


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def slope_per_minute(samples):
    """Least-squares slope of (seconds, value) pairs, per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    mx = sum(t for t, _ in samples) / n
    my = sum(v for _, v in samples) / n
    sxx = sum((t - mx) ** 2 for t, _ in samples)
    if sxx == 0:
        return 0.0
    sxy = sum((t - mx) * (v - my) for t, v in samples)
    return sxy / sxx * 60.0


class Report:
    """What the clients saw, by ten-minute window; safe for many threads."""

    def __init__(self, start, minutes):
        self.start = start
        # Requests that end after the last whole window (in flight at the
        # deadline) count in the last one, so every window is ten minutes.
        self.last_window = max(0, math.ceil(minutes * 60 / WINDOW_S) - 1)
        self.lock = threading.Lock()
        self.latencies = {}  # (window, kind) -> [seconds]
        self.errors = {}  # window -> count
        self.requests = 0
        self.printed = 0

    def window(self, at):
        return min(int((at - self.start) // WINDOW_S), self.last_window)

    def record(self, kind, seconds, at):
        window = self.window(at)
        with self.lock:
            self.latencies.setdefault((window, kind), []).append(seconds)
            self.requests += 1

    def error(self, what, at):
        window = self.window(at)
        with self.lock:
            self.errors[window] = self.errors.get(window, 0) + 1
            if self.printed < 20:
                self.printed += 1
                print(f"error at {at - self.start:7.1f} s: {what}", file=sys.stderr, flush=True)

    def total_errors(self):
        with self.lock:
            return sum(self.errors.values())


class Client:
    """One keep-alive connection, reopened after a failure, and before a
    request when it has been idle for longer than the server keeps idle
    connections open (kb-server: 5 s), as browsers and proxies do."""

    MAX_IDLE_S = 3

    def __init__(self, port):
        self.port = port
        self.conn = None
        self.used = 0.0

    def request(self, method, path, body=None, headers=None):
        idle = time.monotonic() - self.used
        if self.conn is not None and idle > self.MAX_IDLE_S:
            self.conn.close()
            self.conn = None
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            res = self.conn.getresponse()
            data = res.read()
            self.used = time.monotonic()
            return res.status, data
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            self.conn = None
            raise OSError(f"{type(e).__name__}: {e} (on a connection idle for {idle:.2f} s)") from e


class Worker(threading.Thread):
    def __init__(self, n, args, report, deadline, queries, articles):
        super().__init__(daemon=True)
        self.n = n
        self.args = args
        self.report = report
        self.deadline = deadline
        self.queries = queries
        self.articles = articles
        self.rng = random.Random(n)
        self.client = Client(args.port)
        self.sessions = 0

    def search_path(self):
        q = self.rng.choice(self.queries)
        params = {"q": q, "locale": "en"}
        if self.rng.random() < 1 / 3:
            self.sessions += 1
            params.update(session_id=f"soak-{self.n}-{self.sessions}", channel="widget")
        return "/api/v1/search?" + urllib.parse.urlencode(params)

    def suggest_path(self):
        words = self.rng.choice(self.queries).split()
        text = " ".join(words[:2])
        return "/api/v1/suggest?" + urllib.parse.urlencode({"q": text[: max(3, len(text) - 2)], "locale": "en"})

    def article_path(self):
        article_id, locale = self.rng.choice(self.articles)
        return f"/api/v1/articles/{article_id}?locale={locale}"

    def events_body(self):
        self.sessions += 1
        s = f"soak-{self.n}-{self.sessions}"
        article_id, locale = self.rng.choice(self.articles)
        common = {"session_id": s, "channel": "widget", "locale": locale}
        events = [
            dict(common, event_id=f"{s}-s", type="search", query_id=f"{s}-q", query="soak", result_count=3),
            dict(common, event_id=f"{s}-c", type="click", query_id=f"{s}-q", article_id=article_id, position=1),
            dict(common, event_id=f"{s}-v", type="view", article_id=article_id),
            dict(common, event_id=f"{s}-h", type="vote", article_id=article_id, helpful=self.rng.random() < 0.7),
        ]
        return json.dumps({"events": events})

    def run(self):
        interval = self.args.connections / self.args.rate
        next_at = time.monotonic() + self.rng.random() * interval
        while True:
            now = time.monotonic()
            if now >= self.deadline:
                return
            if next_at > now:
                time.sleep(next_at - now)
            next_at = max(next_at + interval, time.monotonic() - interval)
            kind = self.rng.choices(KINDS, WEIGHTS)[0]
            if kind == "events":
                method, path, body, expected = "POST", "/api/v1/events", self.events_body(), 202
                headers = {"Content-Type": "application/json"}
            else:
                path = {"search": self.search_path, "suggest": self.suggest_path, "article": self.article_path}[kind]()
                method, body, expected, headers = "GET", None, 200, None
            sent = time.monotonic()
            try:
                status, data = self.client.request(method, path, body, headers)
            except (OSError, http.client.HTTPException) as e:
                self.report.error(f"{kind} {path}: {e}", sent)
                continue
            done = time.monotonic()
            self.report.record(kind, done - sent, sent)
            if status != expected:
                self.report.error(f"{kind} {path}: {status} {data[:200]!r}", sent)


class Reindexer(threading.Thread):
    """A full reindex at the start of every minute, followed to its end."""

    def __init__(self, args, report, deadline):
        super().__init__(daemon=True)
        self.args = args
        self.report = report
        self.deadline = deadline
        self.client = Client(args.port)
        self.done = 0
        self.seconds = []
        self.admin = {"Authorization": "Bearer " + os.environ["KB_ADMIN_KEY"]}

    def run(self):
        minute = 1
        while True:
            at = self.report.start + 60 * minute
            if at >= self.deadline:
                return
            time.sleep(max(0.0, at - time.monotonic()))
            minute += 1
            try:
                status, data = self.client.request("POST", "/api/v1/admin/reindex?full=true", "", self.admin)
                if status != 202:
                    self.report.error(f"reindex: {status} {data[:200]!r}", at)
                    continue
                url = json.loads(data)["url"]
                while True:
                    time.sleep(0.2)
                    status, data = self.client.request("GET", url, None, self.admin)
                    job = json.loads(data)
                    if job["status"] != "running":
                        break
                if job["status"] != "succeeded":
                    self.report.error(f"reindex {url}: {job['status']} {job['errors']}", at)
                else:
                    self.done += 1
                    self.seconds.append(job["result"]["seconds"])
            except (OSError, http.client.HTTPException, ValueError, KeyError) as e:
                self.report.error(f"reindex: {e if isinstance(e, OSError) else repr(e)}", at)


def sample(pid):
    """(VmRSS in KiB, open file descriptors) of process `pid`."""
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--sample", type=float, default=5, help="seconds between samples of RSS and descriptors")
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--queries", default="bench/data/driftbox-en/queries.tsv")
    args = parser.parse_args()

    queries = read_queries(args.queries)
    articles = public_articles(args.corpus)
    start = time.monotonic()
    deadline = start + args.minutes * 60
    report = Report(start, args.minutes)
    workers = [Worker(n, args, report, deadline, queries, articles) for n in range(args.connections)]
    reindexer = Reindexer(args, report, deadline)
    print(f"soak: {args.minutes:g} min, {args.connections} connections, {args.rate:g} requests/s, "
          f"{len(queries)} queries, {len(articles)} public articles, a full reindex every minute", flush=True)
    for t in workers + [reindexer]:
        t.start()

    rss, fds = [], []
    while True:
        now = time.monotonic()
        try:
            r, f = sample(args.pid)
        except OSError as e:
            report.error(f"kb-server is gone: {e}", now)
            break
        rss.append((now - start, r))
        fds.append((now - start, f))
        if now >= deadline:
            break
        time.sleep(min(args.sample, max(0.0, deadline - now)))
    for t in workers:
        t.join()
    reindexer.join(timeout=120)

    windows = sorted({w for w, _ in report.latencies} | set(report.errors))
    print()
    print(f"{'window':<11} {'requests':>9} {'errors':>6} {'p50_ms':>7} {'p99_ms':>7}  "
          + "  ".join(f"{k + '_p99':>11}" for k in KINDS))
    p99s = []
    for w in windows:
        everything = [s for (ww, _), v in report.latencies.items() if ww == w for s in v]
        end_min = min((w + 1) * WINDOW_S / 60, args.minutes)
        label = f"{w * WINDOW_S // 60:g}-{end_min:g} min"
        p99 = percentile(everything, 99) * 1000
        p99s.append(p99)
        per_kind = "  ".join(f"{percentile(report.latencies.get((w, k), []), 99) * 1000:11.2f}" for k in KINDS)
        print(f"{label:<11} {len(everything):>9} {report.errors.get(w, 0):>6} "
              f"{percentile(everything, 50) * 1000:7.2f} {p99:7.2f}  {per_kind}")
    # The samples at each minute, to see the shape behind the slopes.
    print()
    print(f"{'minute':>6} {'rss_kib':>9} {'open_fds':>8}")
    for minute in range(int(args.minutes) + 1):
        at = [(t, r, f) for (t, r), (_, f) in zip(rss, fds) if t >= minute * 60]
        if at:
            print(f"{minute:>6} {at[0][1]:>9} {at[0][2]:>8}")
    warm = WARM_UP_S if args.minutes * 60 > 2 * WARM_UP_S else 0
    rss_slope = slope_per_minute([(t, v) for t, v in rss if t >= warm])
    fd_slope = slope_per_minute([(t, v) for t, v in fds if t >= warm])
    print()
    print(f"requests  {report.requests / (args.minutes * 60):.1f}/s on average")
    for name, values, slope, digits in (("rss_kib", rss, rss_slope, 1), ("open_fds", fds, fd_slope, 3)):
        if not values:
            continue
        print(f"{name:<9} first={values[0][1]} last={values[-1][1]} min={min(v for _, v in values)} "
              f"max={max(v for _, v in values)} slope_per_min={slope:.{digits}f} from {warm // 60:g} min "
              f"({slope_per_minute(values):.{digits}f} over the whole run; {len(values)} samples)")
    took = reindexer.seconds
    if took:
        print(f"reindex   {reindexer.done} full reindexes, {min(took):.2f}-{max(took):.2f} s each")
    errors = report.total_errors()
    print(f"soak minutes={args.minutes:g} requests={report.requests} errors={errors} reindexes={reindexer.done} "
          f"rss_slope_kib_per_min={rss_slope:.1f} fd_slope_per_min={fd_slope:.3f} "
          f"p99_ms_per_10min={','.join(f'{p:.2f}' for p in p99s)}")


if __name__ == "__main__":
    main()
