"""Learning-scenario traffic: run inside the sender namespace (bench/run starts it there).

Sends one raw IPv4/UDP packet from each of COUNT forged sources 198.19.(i/250).(i%250+1)
to GROUP, then watches /proc/DAEMON-PID/net/ip_mr_cache (the router namespace's table,
readable from here through the daemon's PID) until every source has a resolved entry with
at least one outgoing interface. The kernel drops upcalls when the daemon's socket buffer is
full, so when the count stops growing for STALL seconds the still-missing sources are sent
again (the same policy for every daemon). Prints one JSON object.

Usage: sender.py DAEMON-PID COUNT GROUP TIMEOUT
"""

import json
import socket
import struct
import sys
import time

STALL = 0.02
POLL = 0.005


def source(i):
    return "198.19.%d.%d" % (i // 250, i % 250 + 1)


def proc_key(addr):
    """The kernel prints the raw __be32 with %08X on a little-endian host."""
    a, b, c, d = (int(x) for x in addr.split("."))
    return "%02X%02X%02X%02X" % (d, c, b, a)


def packet(src, dst):
    payload = b"smcroute-bench"
    udp = struct.pack("!HHHH", 4000, 5000, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 16, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr + udp


def resolved(path, group_key, wanted):
    """Returns (sources resolved with OIFs, stop filters) among `wanted`."""
    ok = set()
    stop = 0
    with open(path) as f:
        next(f, None)
        for line in f:
            fields = line.split()
            if len(fields) < 6 or fields[0] != group_key or fields[1] not in wanted:
                continue
            if fields[2] == "-1":
                continue
            if len(fields) > 6:
                ok.add(fields[1])
            else:
                stop += 1
    return ok, stop


def main():
    pid, count, group, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    path = "/proc/%s/net/ip_mr_cache" % pid
    packets = {}
    for i in range(count):
        src = source(i)
        packets[proc_key(src)] = packet(src, group)
    wanted = set(packets)
    group_key = proc_key(group)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    dest = (group, 0)

    sent = 0
    t0 = time.monotonic()
    for pkt in packets.values():
        sock.sendto(pkt, dest)
        sent += 1
    burst = time.monotonic() - t0
    last_count, last_change, resends = 0, time.monotonic(), 0
    ok, stop = set(), 0
    while True:
        ok, stop = resolved(path, group_key, wanted)
        now = time.monotonic()
        if len(ok) == count:
            break
        if now - t0 > timeout:
            print(json.dumps({"error": "timeout after %.0f s: %d of %d learned, %d stop "
                              "filters" % (timeout, len(ok), count, stop)}))
            return 1
        if len(ok) != last_count:
            last_count, last_change = len(ok), now
        elif now - last_change > STALL:
            for key in wanted - ok:
                sock.sendto(packets[key], dest)
                sent += 1
            resends += 1
            last_change = now
        time.sleep(POLL)
    print(json.dumps({"seconds": now - t0, "burst": burst, "sent": sent,
                      "resend_rounds": resends}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
