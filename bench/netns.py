"""Network namespaces and veth links for one benchmark run, plus entering them cheaply.

Every daemon run gets its own three namespaces, so no state (VIFs, MFC entries, unresolved
upcalls) leaks from one run into the next:

    sender ns                router ns                       receiver ns
    s1 198.18.1.2/24 <-veth-> in0 198.18.1.1/24
                              out0 198.18.2.1/24 <-veth-> r1 198.18.2.2/24

The router routes 198.19.0.0/16 (the forged sources of the learning scenario) back via the
sender, so reverse-path checks pass. All addresses are in the benchmarking range
198.18.0.0/15 and all traffic stays inside these namespaces.
"""

import ctypes
import os
import subprocess

CLONE_NEWNET = 0x40000000
NETNS_DIR = "/run/netns"

IN_IF = "in0"
OUT_IF = "out0"
SENDER_IF = "s1"
SENDER_ADDR = "198.18.1.2"
ROUTER_IN_ADDR = "198.18.1.1"
SOURCE_NET = "198.19.0.0/16"

_libc = ctypes.CDLL(None, use_errno=True)


def _ip(args, script):
    res = subprocess.run(["ip"] + args + ["-batch", "-"], input=script, text=True,
                         capture_output=True)
    if res.returncode != 0:
        raise RuntimeError("ip %s failed: %s" % (" ".join(args), res.stderr.strip()))


class Topology:
    """Three fresh namespaces wired as in the module docstring; `close()` removes them."""

    def __init__(self, tag):
        self.router = "%s-r" % tag
        self.sender = "%s-s" % tag
        self.receiver = "%s-x" % tag
        _ip([], "netns add %s\nnetns add %s\nnetns add %s\n"
            "link add %s netns %s type veth peer name %s netns %s\n"
            "link add %s netns %s type veth peer name r1 netns %s\n" % (
                self.router, self.sender, self.receiver,
                IN_IF, self.router, SENDER_IF, self.sender,
                OUT_IF, self.router, self.receiver))
        try:
            _ip(["-n", self.router],
                "link set lo up\n"
                "addr add %s/24 dev %s\nlink set %s up\n"
                "addr add 198.18.2.1/24 dev %s\nlink set %s up\n"
                "route add %s via %s dev %s\n" % (
                    ROUTER_IN_ADDR, IN_IF, IN_IF, OUT_IF, OUT_IF,
                    SOURCE_NET, SENDER_ADDR, IN_IF))
            _ip(["-n", self.sender],
                "link set lo up\naddr add %s/24 dev %s\nlink set %s up\n"
                "route add 224.0.0.0/4 dev %s\n" % (
                    SENDER_ADDR, SENDER_IF, SENDER_IF, SENDER_IF))
            _ip(["-n", self.receiver],
                "link set lo up\naddr add 198.18.2.2/24 dev r1\nlink set r1 up\n")
        except Exception:
            self.close()
            raise

    def ifindex(self, name):
        """Interface index of `name` inside the router namespace."""
        out = subprocess.run(["ip", "-n", self.router, "-o", "link", "show", name],
                             capture_output=True, text=True, check=True).stdout
        return int(out.split(":", 1)[0])

    def close(self):
        subprocess.run(["ip", "-batch", "-"], text=True, capture_output=True,
                       input="netns del %s\nnetns del %s\nnetns del %s\n" % (
                           self.router, self.sender, self.receiver))


def enter(name):
    """Returns a `preexec_fn` that moves the child into network namespace `name`."""
    path = os.path.join(NETNS_DIR, name)

    def _enter():
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            os._exit(126)
        os.close(fd)

    return _enter


def cleanup_stale(prefix):
    """Deletes namespaces named PREFIX<pid>-... whose benchmark process is gone (left by an
    interrupted run), or, when `prefix` already names one run, all of that run's."""
    try:
        names = os.listdir(NETNS_DIR)
    except FileNotFoundError:
        return
    stale = []
    for name in names:
        if not name.startswith(prefix):
            continue
        owner = name[len(prefix):].split("-", 1)[0]
        if owner and owner.isdigit() and os.path.exists("/proc/%s" % owner):
            continue
        stale.append(name)
    if stale:
        subprocess.run(["ip", "-batch", "-"], text=True, capture_output=True,
                       input="".join("netns del %s\n" % n for n in stale))
