#!/usr/bin/env python3
"""Endless multicast sender for the smcroute-rs fault and abuse tests.

  stream.py IFACE GROUP PORT [--interval S] [--ttl T]

Run inside a test namespace (`ip netns exec NS python3 stream.py ...`). Prints "READY",
then sends numbered UDP datagrams (the payload format of mcast.py, so `mcast.py recv`
counts them) to GROUP:PORT out of IFACE every S seconds until its stdin reaches end of
file, then prints "SENT n". Only ever sends to the group given, on the interface given.
"""

import argparse
import select
import socket
import struct
import sys
import time

PAYLOAD_TAG = b"smcroute-rs-itest"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("iface")
    p.add_argument("group")
    p.add_argument("port", type=int)
    p.add_argument("--interval", type=float, default=0.01)
    p.add_argument("--ttl", type=int, default=8)
    a = p.parse_args()
    idx = socket.if_nametoindex(a.iface)
    if ":" in a.group:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, a.ttl)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        dst = (a.group, a.port, 0, idx)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        mreqn = socket.inet_aton("0.0.0.0") + socket.inet_aton("0.0.0.0") + struct.pack("@i", idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, a.ttl)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        dst = (a.group, a.port)
    print("READY", flush=True)
    sent = 0
    next_at = time.monotonic()
    while True:
        s.sendto(PAYLOAD_TAG + b" %d" % sent, dst)
        sent += 1
        next_at += a.interval
        left = max(0.0, next_at - time.monotonic())
        r, _, _ = select.select([sys.stdin], [], [], left)
        if r and not sys.stdin.buffer.read1(4096):
            break
    print("SENT %d" % sent, flush=True)


if __name__ == "__main__":
    main()
