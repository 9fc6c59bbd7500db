#!/usr/bin/env python3
"""Searches through nginx over HTTPS from several threads, each on one
keep-alive connection (a new one after an error), for a while; optionally
kills a process partway. Prints one JSON line: requests, failures, req/s,
p50/p99 and the longest latency in ms, and the longest one in the two
seconds after the kill (the failover time a client sees)."""
import argparse, json, os, signal, ssl, threading, time, http.client

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--seconds", type=float, default=5)
p.add_argument("--threads", type=int, default=16)
p.add_argument("--kill-pid", type=int, default=0)
p.add_argument("--kill-at", type=float, default=0)
a = p.parse_args()

queries = ["refund", "reset+password", "invoice", "vpn", "passwort", "shipping", "cancel+subscription", "login",
           "two+factor", "billing", "desktop+app", "export+data"]
context = ssl._create_unverified_context()
lock = threading.Lock()
latencies, failures, after_kill = [], [], []
start = time.monotonic()
killed_at = [None]


def client(k):
    conn, n = None, 0
    while time.monotonic() - start < a.seconds:
        q = queries[(k + n) % len(queries)]
        n += 1
        t = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPSConnection("127.0.0.1", a.port, context=context, timeout=10)
            conn.request("GET", f"/api/v1/search?q={q}&page={1 + n % 3}", headers={"Host": "localhost"})
            r = conn.getresponse()
            r.read()
            ok = r.status == 200
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception as e:  # noqa: BLE001 - every failure counts
            ok = False
            conn = None
        ms = (time.monotonic() - t) * 1000
        with lock:
            latencies.append(ms)
            if not ok:
                failures.append(ms)
            if killed_at[0] is not None and t >= killed_at[0] and t < killed_at[0] + 2:
                after_kill.append(ms)


threads = [threading.Thread(target=client, args=(k,)) for k in range(a.threads)]
for t in threads:
    t.start()
if a.kill_pid:
    time.sleep(a.kill_at)
    killed_at[0] = time.monotonic()
    os.kill(a.kill_pid, signal.SIGKILL)
for t in threads:
    t.join()
elapsed = time.monotonic() - start
latencies.sort()
q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] if latencies else 0
print(json.dumps({"requests": len(latencies), "failures": len(failures), "rps": round(len(latencies) / elapsed),
                  "p50_ms": round(q(0.5), 2), "p99_ms": round(q(0.99), 2),
                  "max_ms": round(latencies[-1] if latencies else 0, 1),
                  "failover_ms": round(max(after_kill) if after_kill else 0, 1)}))
