#!/usr/bin/env python3
"""Multicast traffic helpers for the smcroute-rs integration tests.

Run inside a test namespace (`ip netns exec NS python3 mcast.py ...`); they only ever
send to the multicast group given on the command line, on the interface given.

  recv IFACE GROUP PORT [--duration S]
      Join GROUP on IFACE, print "READY" once joined, then count UDP datagrams to
      GROUP:PORT until stdin reaches EOF or the duration elapses. Prints
      "COUNT n" and one "SRC addr n" line per source address seen.

  send IFACE GROUP PORT [--count N] [--interval S] [--ttl T] [--source ADDR]
      Send N UDP datagrams to GROUP:PORT out of IFACE with TTL/hop limit T.
      Prints "SENT n".

  rawsend IFACE GROUP PORT --sources A[,B...] | --source-range BASE/COUNT
          [--count N] [--interval S] [--gap S] [--ttl T]
      Write Ethernet frames on IFACE (AF_PACKET) carrying UDP to GROUP:PORT from
      forged source addresses (one per source, N rounds). Needed to make the router
      learn many distinct sources. Prints "SENT n".
"""

import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import time

PAYLOAD_TAG = b"smcroute-rs-itest"


def ifindex(name):
    return socket.if_nametoindex(name)


def family_of(group):
    return socket.AF_INET6 if ":" in group else socket.AF_INET


def cmd_recv(a):
    fam = family_of(a.group)
    idx = ifindex(a.iface)
    s = socket.socket(fam, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    if fam == socket.AF_INET:
        s.bind((a.group, a.port))
        mreqn = socket.inet_aton(a.group) + socket.inet_aton("0.0.0.0") + struct.pack("@i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
        # Only traffic for the groups this socket joined, not every group of the host.
        s.setsockopt(socket.IPPROTO_IP, 49, 0)  # IP_MULTICAST_ALL
    else:
        s.bind((a.group, a.port, 0, idx))
        mreq = socket.inet_pton(socket.AF_INET6, a.group) + struct.pack("@I", idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
        s.setsockopt(socket.IPPROTO_IPV6, 29, 0)  # IPV6_MULTICAST_ALL
    print("READY", flush=True)
    count = 0
    seqs = []
    sources = {}
    deadline = time.monotonic() + a.duration
    watch = [s, sys.stdin]
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select(watch, [], [], left)
        if sys.stdin in r:
            if not sys.stdin.buffer.read1(4096):
                # EOF: the harness says the sender is done; drain what is queued.
                watch = [s]
                deadline = min(deadline, time.monotonic() + 0.05)
        if s in r:
            data, addr = s.recvfrom(65535)
            if data.startswith(PAYLOAD_TAG):
                count += 1
                seqs.append(data[len(PAYLOAD_TAG):].strip().decode(errors="replace"))
                sources[addr[0]] = sources.get(addr[0], 0) + 1
    print("COUNT %d" % count)
    print("SEQ %s" % ",".join(seqs[:200]))
    for src, n in sorted(sources.items()):
        print("SRC %s %d" % (src, n))
    sys.stdout.flush()


def cmd_send(a):
    fam = family_of(a.group)
    idx = ifindex(a.iface)
    s = socket.socket(fam, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    if fam == socket.AF_INET:
        mreqn = socket.inet_aton("0.0.0.0") + socket.inet_aton("0.0.0.0") + struct.pack("@i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, a.ttl)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        if a.source:
            s.bind((a.source, 0))
        dst = (a.group, a.port)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, a.ttl)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        if a.source:
            s.bind((a.source, 0, 0, 0))
        dst = (a.group, a.port, 0, idx)
    sent = 0
    for i in range(a.count):
        s.sendto(PAYLOAD_TAG + b" %d" % i, dst)
        sent += 1
        if a.interval > 0 and i + 1 < a.count:
            time.sleep(a.interval)
    print("SENT %d" % sent, flush=True)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def frame_v4(src, group, port, ttl, payload):
    udp_len = 8 + len(payload)
    udp = struct.pack("!HHHH", 40000, port, udp_len, 0) + payload
    total = 20 + udp_len
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, ttl, 17, 0,
                      src.packed, group.packed)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    g = group.packed
    mac = bytes([0x01, 0x00, 0x5E, g[1] & 0x7F, g[2], g[3]])
    return mac, 0x0800, hdr + udp


def frame_v6(src, group, port, ttl, payload):
    udp_len = 8 + len(payload)
    udp = struct.pack("!HHHH", 40000, port, udp_len, 0) + payload
    pseudo = src.packed + group.packed + struct.pack("!I3xB", udp_len, 17)
    c = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    hdr = struct.pack("!IHBB16s16s", 6 << 28, udp_len, 17, ttl, src.packed, group.packed)
    g = group.packed
    mac = bytes([0x33, 0x33]) + g[12:16]
    return mac, 0x86DD, hdr + udp


def parse_sources(a):
    if a.sources:
        return [ipaddress.ip_address(x) for x in a.sources.split(",")]
    base, n = a.source_range.split("/")
    first = ipaddress.ip_address(base)
    return [first + i for i in range(int(n))]


def cmd_rawsend(a):
    group = ipaddress.ip_address(a.group)
    sources = parse_sources(a)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    own = s.getsockname()[4]
    frames = []
    for src in sources:
        build = frame_v6 if group.version == 6 else frame_v4
        mac, proto, pkt = build(src, group, a.port, a.ttl, PAYLOAD_TAG + b" raw")
        frames.append(mac + own + struct.pack("!H", proto) + pkt)
    sent = 0
    for r in range(a.count):
        for f in frames:
            s.send(f)
            sent += 1
            if a.gap > 0:
                time.sleep(a.gap)
        if a.interval > 0 and r + 1 < a.count:
            time.sleep(a.interval)
    print("SENT %d" % sent, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("recv", "send", "rawsend"):
        q = sub.add_parser(name)
        q.add_argument("iface")
        q.add_argument("group")
        q.add_argument("port", type=int)
        if name == "recv":
            q.add_argument("--duration", type=float, default=10.0)
        else:
            q.add_argument("--count", type=int, default=10)
            q.add_argument("--interval", type=float, default=0.01)
            q.add_argument("--ttl", type=int, default=8)
        if name == "send":
            q.add_argument("--source")
        if name == "rawsend":
            g = q.add_mutually_exclusive_group(required=True)
            g.add_argument("--sources")
            g.add_argument("--source-range")
            # Pause between frames: the kernel queues at most 10 unresolved (S,G)
            # upcalls at a time, so learning thousands of sources needs pacing.
            q.add_argument("--gap", type=float, default=0.0)
    a = p.parse_args()
    {"recv": cmd_recv, "send": cmd_send, "rawsend": cmd_rawsend}[a.cmd](a)


if __name__ == "__main__":
    main()
