#!/usr/bin/env python3
"""The load of bench/abuse/run, in the standard library only.

  load.py slowloris --target HOST:PORT --sources A[-B] --connections N [--tls]
      Holds N connections that each send a request head a line every two to
      six seconds and never finish it, spread over the source addresses A
      to B (loopback addresses: Linux routes all of 127/8 to lo). A
      connection the server answers or closes is opened again a second or
      two later. Prints "ready" once every connection was tried, and its
      counts when stopped (SIGTERM).
  load.py idle --target HOST:PORT --sources A[-B] --connections N
      Holds N keep-alive connections that each ask for /healthz once and
      then stay idle; one the server closes is opened again at once.
  load.py normal --target HOST:PORT --seconds S --rate R --out FILE [--tls]
      A normal client: R searches a second for S seconds, each on a new
      connection with a 5 s timeout. Writes each search's latency in ms,
      or "failed", a line each, to FILE.
  load.py summary FILE...
      Prints "requests failed p50_ms p99_ms" over the files.
"""

import argparse
import asyncio
import http.client
import ipaddress
import math
import random
import signal
import ssl
import sys
import time
import urllib.parse

QUERIES = [
    "reset password", "refund", "invoice", "cancel subscription", "change email", "two factor",
    "export data", "delete account", "payment failed", "sign in", "api key", "billing address",
]


def parse_target(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def parse_sources(text):
    first, _, last = text.partition("-")
    a = int(ipaddress.IPv4Address(first))
    b = int(ipaddress.IPv4Address(last or first))
    return [str(ipaddress.IPv4Address(n)) for n in range(a, b + 1)]


_tls = None


def client_tls():
    """One TLS context for every connection (making one reads the CA store)."""
    global _tls
    if _tls is None:
        _tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        _tls.check_hostname = False
        _tls.verify_mode = ssl.CERT_NONE
    return _tls


class Counts:
    def __init__(self):
        self.values = {}

    def add(self, name, n=1):
        self.values[name] = self.values.get(name, 0) + n

    def line(self):
        return " ".join(f"{k}={v}" for k, v in sorted(self.values.items()))


def status_of(data):
    """The status of the response starting `data`, or "closed"."""
    if not data:
        return "closed"
    parts = data.split(b" ", 2)
    return f"answered_{parts[1].decode(errors='replace')}" if len(parts) > 1 else "answered_garbage"


async def hold_connections(args, one):
    host, port = parse_target(args.target)
    sources = parse_sources(args.sources)
    counts = Counts()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    tried = 0
    open_now = [0, 0]  # now, peak

    async def connect(source):
        nonlocal tried
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(host, port, local_addr=(source, 0),
                                        ssl=client_tls() if getattr(args, "tls", False) else None,
                                        server_hostname="localhost" if getattr(args, "tls", False) else None),
                timeout=10)
        except (OSError, asyncio.TimeoutError, ssl.SSLError):
            counts.add("connect_failed")
            return None
        finally:
            tried += 1
            if tried == args.connections:
                print("ready", flush=True)

    async def run(source, delay):
        # The connections start spread over two seconds, as a real client
        # ramps up, rather than all in one instant.
        await asyncio.sleep(delay)
        while not stop.is_set():
            pair = await connect(source)
            if pair is None:
                await asyncio.sleep(random.uniform(1, 2))
                continue
            reader, writer = pair
            counts.add("opened")
            open_now[0] += 1
            open_now[1] = max(open_now[1], open_now[0])
            try:
                await one(reader, writer, counts, stop)
            except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
                counts.add("reset")
            finally:
                open_now[0] -= 1
                writer.close()

    tasks = [asyncio.create_task(run(sources[i % len(sources)], 2.0 * i / args.connections))
             for i in range(args.connections)]
    await stop.wait()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    counts.add("peak_open", open_now[1])
    print(counts.line(), flush=True)


async def slow_head(reader, writer, counts, stop):
    writer.write(b"GET /api/v1/search?q=slow&locale=en HTTP/1.1\r\nHost: kb\r\nUser-Agent: slowloris\r\n")
    await writer.drain()
    answer = asyncio.ensure_future(reader.read(4096))
    try:
        while not stop.is_set():
            done, _ = await asyncio.wait({answer}, timeout=random.uniform(2, 6))
            if done:
                counts.add(status_of(answer.result()))
                await asyncio.sleep(random.uniform(1, 2))
                return
            writer.write(b"X-Slow-%d: %d\r\n" % (random.randint(0, 9999), random.randint(0, 9999)))
            await writer.drain()
    finally:
        answer.cancel()


async def idle_keep_alive(reader, writer, counts, stop):
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: kb\r\n\r\n")
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    counts.add(status_of(head))
    closed = asyncio.ensure_future(reader.read(1))
    stopped = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({closed, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if closed in done:
        counts.add("closed_by_server")
    closed.cancel()
    stopped.cancel()


def normal(args):
    host, port = parse_target(args.target)
    lines = []
    interval = 1.0 / args.rate
    start = time.monotonic()
    next_at = start
    while time.monotonic() - start < args.seconds:
        query = urllib.parse.quote(random.choice(QUERIES))
        began = time.monotonic()
        try:
            if args.tls:
                conn = http.client.HTTPSConnection(host, port, timeout=5, context=client_tls())
            else:
                conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", f"/api/v1/search?q={query}&locale=en", headers={"Host": "kb"})
            res = conn.getresponse()
            res.read()
            conn.close()
            ok = res.status == 200
        except (OSError, http.client.HTTPException, ssl.SSLError):
            ok = False
        lines.append(f"{(time.monotonic() - began) * 1000:.3f}" if ok else "failed")
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


def summary(files):
    latencies, failed = [], 0
    for name in files:
        with open(name) as f:
            for line in f:
                line = line.strip()
                if line == "failed":
                    failed += 1
                elif line:
                    latencies.append(float(line))
    latencies.sort()

    def rank(p):
        return latencies[max(0, math.ceil(p * len(latencies)) - 1)] if latencies else float("nan")

    print(f"{len(latencies) + failed} {failed} {rank(0.50):.1f} {rank(0.99):.1f}")


def main():
    parser = argparse.ArgumentParser(description="bench/abuse load")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("slowloris", "idle"):
        p = sub.add_parser(name)
        p.add_argument("--target", required=True)
        p.add_argument("--sources", required=True)
        p.add_argument("--connections", type=int, required=True)
        p.add_argument("--tls", action="store_true")
    p = sub.add_parser("normal")
    p.add_argument("--target", required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--rate", type=float, default=20)
    p.add_argument("--out", required=True)
    p.add_argument("--tls", action="store_true")
    p = sub.add_parser("summary")
    p.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.command == "slowloris":
        asyncio.run(hold_connections(args, slow_head))
    elif args.command == "idle":
        asyncio.run(hold_connections(args, idle_keep_alive))
    elif args.command == "normal":
        normal(args)
    else:
        summary(args.files)


if __name__ == "__main__":
    sys.exit(main())
