#!/usr/bin/env python3
"""Listeners for the smcroute-rs option tests: what the daemon sends outside its routes.

Each prints "READY" once listening, then one line per message received, flushed at once,
until stdin reaches EOF or the duration passes. Messages are printed with Python's repr
escapes (a newline inside a message shows as \\n), so one message is one line.

  dgram ADDR [--duration S]
      Bind a Unix datagram socket at ADDR (a path, or @NAME for an abstract name) and
      print "MSG <repr>" per datagram: a private /dev/log (syslog) or NOTIFY_SOCKET.

  igmp IFACE [--duration S]
      Capture IGMP on IFACE (AF_PACKET, so nothing needs joining) and print one line
      per packet:  "IGMP t=<secs> src=<a> dst=<a> ttl=<n> ra=<0|1> type=0x<t> code=<c>
      csum=<ok|bad> len=<n> rest=<hex>"   (t counts from READY). Lines on stdin:
      "solicit" sends an mrdisc Solicitation (type 0x31) to 224.0.0.2 out of IFACE,
      with TTL 1 and the Router Alert option, and prints "SOLICITED t=<secs>".
"""

import argparse
import os
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def loop(socks, on_readable, on_line, duration):
    """Calls on_readable(sock) / on_line(text) until stdin EOF or the duration ends."""
    end = time.monotonic() + duration
    watch = list(socks) + [sys.stdin]
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select(watch, [], [], left)
        for r in ready:
            if r is sys.stdin:
                line = sys.stdin.readline()
                if not line:
                    return
                on_line(line.strip())
            else:
                on_readable(r)


def cmd_dgram(a):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if a.addr.startswith("@"):
        s.bind("\0" + a.addr[1:])
    else:
        try:
            os.unlink(a.addr)
        except FileNotFoundError:
            pass
        s.bind(a.addr)
        os.chmod(a.addr, 0o666)
    out("READY")

    def readable(sock):
        data = sock.recv(65536)
        out("MSG " + repr(data.decode("utf-8", "replace")))

    loop([s], readable, lambda _line: None, a.duration)


def cmd_igmp(a):
    idx = socket.if_nametoindex(a.iface)
    cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    cap.bind((a.iface, ETH_P_IP))
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    tx.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    mreqn = socket.inet_aton("0.0.0.0") + socket.inet_aton("0.0.0.0") + struct.pack("@i", idx)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([0x94, 0x04, 0, 0]))
    t0 = time.monotonic()
    out("READY")

    def readable(sock):
        pkt, addr = sock.recvfrom(65536)
        if addr[2] == socket.PACKET_OUTGOING or len(pkt) < 20:
            return
        ihl = (pkt[0] & 0x0F) * 4
        if pkt[9] != socket.IPPROTO_IGMP or len(pkt) < ihl + 8:
            return
        total = struct.unpack("!H", pkt[2:4])[0]
        igmp = pkt[ihl:total]
        opts = pkt[20:ihl]
        ra = 1 if opts[:2] == b"\x94\x04" else 0
        ok = "ok" if checksum(igmp) == 0 else "bad"
        out(
            "IGMP t=%.3f src=%s dst=%s ttl=%d ra=%d type=0x%02x code=%d csum=%s len=%d rest=%s"
            % (
                time.monotonic() - t0,
                socket.inet_ntoa(pkt[12:16]),
                socket.inet_ntoa(pkt[16:20]),
                pkt[8],
                ra,
                igmp[0],
                igmp[1],
                ok,
                len(igmp),
                igmp[4:].hex(),
            )
        )

    def line(text):
        if text == "solicit":
            msg = bytearray([0x31, 0, 0, 0, 0, 0, 0, 0])
            msg[2:4] = struct.pack("!H", checksum(bytes(msg)))
            tx.sendto(bytes(msg), ("224.0.0.2", 0))
            out("SOLICITED t=%.3f" % (time.monotonic() - t0))

    loop([cap], readable, line, a.duration)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dgram")
    d.add_argument("addr")
    d.add_argument("--duration", type=float, default=60)
    g = sub.add_parser("igmp")
    g.add_argument("iface")
    g.add_argument("--duration", type=float, default=60)
    a = p.parse_args()
    {"dgram": cmd_dgram, "igmp": cmd_igmp}[a.cmd](a)


if __name__ == "__main__":
    main()
