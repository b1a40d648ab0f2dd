#!/usr/bin/env python3
"""SSE load client for bench/sse_load.sh (standard library only).

Holds CONNECTIONS live notification streams (`GET /v1/realtime/notifications`), one per
seeded user, on one api process; then, for DURATION seconds, other users follow the connected
ones at RATE per second (each new follow raises one `follow` notification). It reports the
api's resident memory per held connection (VmRSS from /proc/<pid>/status before and after
connecting) and the delivery latency from sending the follow to receiving its event.

Tokens are minted here (HS256 with the api's JWT secret), so no sign-in limits apply.
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import random
import statistics
import sys
import time
from urllib.parse import urlparse


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def mint(secret: str, user: dict, ttl: int = 3600) -> str:
    now = int(time.time())
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {
        "sub": user["sqid"],
        "user_id": user["key"],
        "roles": user["roles"],
        "type": "access",
        "iat": now,
        "exp": now + ttl,
    }
    body = b64url(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Stats:
    def __init__(self):
        self.pending = {}  # (actor handle, recipient id) -> send time
        self.latencies = []
        self.unexpected = 0
        self.timeouts = 0


async def read_head(reader):
    status = await reader.readline()
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        k, _, v = line.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(status.split()[1]), headers


async def request(host, port, method, path, token):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    status, _ = await read_head(reader)
    await reader.read()
    writer.close()
    return status


async def listen(host, port, user, token, stats, ready):
    """One held stream; resolves `ready` with the connected event's unread count."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /v1/realtime/notifications HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    status, headers = await read_head(reader)
    if status != 200:
        ready.set_exception(RuntimeError(f"stream for {user['handle']}: HTTP {status}"))
        return
    chunked = headers.get("transfer-encoding", "").lower() == "chunked"
    buf = ""
    try:
        while True:
            if chunked:
                size = int((await reader.readline()).strip() or b"0", 16)
                if size == 0:
                    return
                data = await reader.readexactly(size)
                await reader.readline()
            else:
                data = await reader.read(65536)
                if not data:
                    return
            buf += data.decode()
            while "\n\n" in buf:
                block, buf = buf.split("\n\n", 1)
                name, payload = None, ""
                for line in block.split("\n"):
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: "):
                        payload += line[6:]
                if name == "connected":
                    if not ready.done():
                        ready.set_result(json.loads(payload)["unread_count"])
                elif name == "notification":
                    item = json.loads(payload)
                    sent = stats.pending.pop((item["actor_handle"], item["user_id"]), None)
                    if sent is None:
                        stats.unexpected += 1
                    else:
                        stats.latencies.append(time.monotonic() - sent)
                elif name == "timeout":
                    stats.timeouts += 1
    except (asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--users", required=True, help="TSV: id, sqid, user key, roles json, handle")
    ap.add_argument("--secret", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--actors", type=int, default=100)
    ap.add_argument("--rate", type=float, default=50)
    ap.add_argument("--duration", type=float, default=30)
    args = ap.parse_args()

    url = urlparse(args.base)
    host, port = url.hostname, url.port
    users = []
    with open(args.users) as f:
        for line in f:
            uid, sqid, key, roles, handle = line.rstrip("\n").split("\t")
            users.append(
                {"id": int(uid), "sqid": sqid, "key": key, "roles": json.loads(roles), "handle": handle}
            )
    need = args.connections + args.actors
    if len(users) < need:
        sys.exit(f"need {need} users, the database has {len(users)}")
    targets, actors = users[: args.connections], users[args.connections : need]
    for u in users[:need]:
        u["token"] = mint(args.secret, u)

    stats = Stats()
    rss_before = rss_kib(args.pid)
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    tasks, readies = [], []
    # Opened in waves, so the listen backlog is never the bottleneck being measured.
    for i in range(0, len(targets), 100):
        wave = []
        for u in targets[i : i + 100]:
            ready = loop.create_future()
            tasks.append(asyncio.create_task(listen(host, port, u, u["token"], stats, ready)))
            wave.append(ready)
        await asyncio.wait_for(asyncio.gather(*wave), 60)
        readies += wave
    connect_s = time.monotonic() - started
    await asyncio.sleep(2)
    rss_held = rss_kib(args.pid)

    sent, failed = 0, 0
    pairs = set()

    async def follow(actor, target):
        nonlocal failed
        key = (actor["handle"], target["id"])
        stats.pending[key] = time.monotonic()
        status = await request(host, port, "POST", f"/v1/user/u/{target['sqid']}/follow", actor["token"])
        if status != 200:
            failed += 1
            stats.pending.pop(key, None)

    follows = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < args.duration:
        actor, target = random.choice(actors), random.choice(targets)
        if (actor["id"], target["id"]) in pairs:
            continue
        pairs.add((actor["id"], target["id"]))
        follows.append(asyncio.create_task(follow(actor, target)))
        sent += 1
        next_at = t0 + sent / args.rate
        await asyncio.sleep(max(0, next_at - time.monotonic()))
    await asyncio.gather(*follows)
    await asyncio.sleep(3)
    rss_after = rss_kib(args.pid)
    alive = sum(1 for t in tasks if not t.done())
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    lat = [x * 1000 for x in stats.latencies]
    per_conn = (rss_held - rss_before) / len(targets)
    print(f"connections held: {len(targets)} (all sent `connected` in {connect_s:.1f} s; {alive} still open at the end)")
    print(f"api RSS: {rss_before / 1024:.1f} MiB before, {rss_held / 1024:.1f} MiB holding them, "
          f"{rss_after / 1024:.1f} MiB after the load")
    print(f"RSS per held connection: {per_conn:.1f} KiB")
    print(f"follows sent: {sent} at {args.rate:g}/s for {args.duration:g} s from {len(actors)} users; "
          f"failed {failed}; delivered {len(lat)}; lost {len(stats.pending)}; unexpected {stats.unexpected}")
    if lat:
        print(f"delivery latency (follow sent -> event read): p50 {pct(lat, 50):.1f} ms, "
              f"p90 {pct(lat, 90):.1f} ms, p99 {pct(lat, 99):.1f} ms, max {max(lat):.1f} ms, "
              f"mean {statistics.mean(lat):.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
