"""Shared pieces of the benchmark: programs under test, conf generators, one daemon run."""

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import inotify
import netns

KEEP = False  # keep run directories (bench/run --keep)

HERE = os.path.dirname(os.path.realpath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(REPO, "target", "bench")
NS_PREFIX = "smcb%d" % os.getpid()
TEMPLATE_GROUP = "225.1.0.1"
OURS_BUILD_ENV = {"SMCROUTE_MAX_RULES": "10240", "SMCROUTE_MAX_KERNEL_ROUTES": "10240"}


class Fail(Exception):
    """A scenario that a daemon did not complete; the message says why."""


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def route(i, group_net=2):
    return ("198.19.%d.%d" % (i // 250, i % 250 + 1),
            "225.%d.%d.%d" % (group_net, i // 250, i % 250 + 1))


def sg_conf(n, group_net=2, changed=False):
    lines = ["# smcroute-rs benchmark: %d (S,G) routes" % n]
    for i in range(n):
        src, grp = route(i, group_net)
        if changed and i == 0:
            grp = "225.4.0.1"
        lines.append("mroute from %s source %s group %s to %s" % (netns.IN_IF, src, grp,
                                                                   netns.OUT_IF))
    return "\n".join(lines) + "\n"


def template_conf():
    return "mroute from %s group 225.1.0.0/16 to %s\n" % (netns.IN_IF, netns.OUT_IF)


def add_lines(n, group_net=3):
    return "".join("add %s %s %s %s\n" % ((netns.IN_IF,) + route(i, group_net) + (netns.OUT_IF,))
                   for i in range(n))


def proc_key(addr):
    a, b, c, d = (int(x) for x in addr.split("."))
    return "%02X%02X%02X%02X" % (d, c, b, a)


def mfc_entries(pid):
    """Resolved kernel MFC entries of the daemon's namespace: {(group, origin): n_oifs}."""
    entries = {}
    with open("/proc/%d/net/ip_mr_cache" % pid) as f:
        next(f, None)
        for line in f:
            fields = line.split()
            if len(fields) >= 6 and fields[2] != "-1":
                entries[(fields[0], fields[1])] = len(fields) - 6
    return entries


def expect_routes(pid, n, group_net=2, what="MFC"):
    """Fails unless all n routes of the given group block are installed with an OIF."""
    entries = mfc_entries(pid)
    have = 0
    for i in range(n):
        src, grp = route(i, group_net)
        if entries.get((proc_key(grp), proc_key(src)), 0) > 0:
            have += 1
    if have != n:
        raise Fail("%s: %d of %d routes in the kernel" % (what, have, n))


# --------------------------------------------------------------------------------------
# Programs under test


class Impl:
    def __init__(self, name, daemon, ctl, error=None):
        self.name, self.daemon, self.ctl, self.error = name, daemon, ctl, error

    def argv(self, conf, pidfile, sock):
        return [self.daemon, "-n", "-f", conf, "-P", pidfile, "-u", sock, "-c", "0"]


STATIC_TRIPLE = "x86_64-unknown-linux-musl"


def _run_quiet(argv, env, what):
    """Runs a build step; on failure returns its first error line (or tail) as the reason."""
    res = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    if res.returncode == 0:
        return None
    out = res.stderr + res.stdout
    errs = [ln for ln in out.splitlines() if ln.startswith("error") or ": error:" in ln]
    return "%s failed: %s" % (what, errs[0] if errs else out.strip()[-200:])


def build_ours(skip, flavour="static"):
    """Ours as the benchmark runs it.

    `static` (default): the fully static x86_64 musl build from targets/build, i.e. the
    programs as the router packages ship them (targets/setup installs the toolchain on
    first use). `glibc`: `cargo build --release`, dynamically linked against glibc like
    the C reference. Both use the same capacities (OURS_BUILD_ENV)."""
    env = dict(os.environ, **OURS_BUILD_ENV)
    if flavour == "static":
        out = os.path.join(REPO, "target", "cross", STATIC_TRIPLE)
        steps = [([os.path.join(REPO, "targets", "setup")], "targets/setup"),
                 ([os.path.join(REPO, "targets", "build"), STATIC_TRIPLE], "targets/build")]
    else:
        out = os.path.join(REPO, "target", "release")
        steps = [(["cargo", "build", "--release", "--bins"], "cargo build")]
    name = "ours"
    daemon, ctl_prog = os.path.join(out, "smcrouted"), os.path.join(out, "smcroutectl")
    if not skip:
        say("building ours (%s): %s (%s)" % (flavour, ", ".join(w for _, w in steps),
                                            " ".join("%s=%s" % kv for kv in OURS_BUILD_ENV.items())))
        for argv, what in steps:
            reason = _run_quiet(argv, env, what)
            if reason:
                return Impl(name, daemon, ctl_prog, reason)
    for prog in (daemon, ctl_prog):
        if not os.access(prog, os.X_OK):
            return Impl(name, daemon, ctl_prog, "%s not built" % prog)
    return Impl(name, daemon, ctl_prog)


def fetch_ref():
    ref = os.path.join(OUT, "ref")
    daemon = os.path.join(ref, "usr", "sbin", "smcrouted")
    ctl = os.path.join(ref, "usr", "sbin", "smcroutectl")
    if not os.access(daemon, os.X_OK):
        say("fetching the C reference: apt-get download smcroute; dpkg-deb -x")
        tmp = tempfile.mkdtemp(prefix="smcb-deb.")
        try:
            res = subprocess.run(["apt-get", "download", "smcroute"], cwd=tmp,
                                 capture_output=True, text=True)
            if res.returncode != 0:
                subprocess.run(["apt-get", "update"], capture_output=True)
                res = subprocess.run(["apt-get", "download", "smcroute"], cwd=tmp,
                                     capture_output=True, text=True)
            debs = glob.glob(os.path.join(tmp, "smcroute_*.deb"))
            if res.returncode != 0 or not debs:
                return Impl("C", daemon, ctl, "apt-get download smcroute failed: %s" %
                            res.stderr.strip()[-200:])
            os.makedirs(ref, exist_ok=True)
            subprocess.run(["dpkg-deb", "-x", debs[0], ref], check=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return Impl("C", daemon, ctl)


def build_helpers():
    os.makedirs(OUT, exist_ok=True)
    floor = os.path.join(OUT, "floor")
    shim = os.path.join(OUT, "malloc_count.so")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O2", "-o", floor, os.path.join(HERE, "floor.c")], check=True)
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", shim,
                    os.path.join(HERE, "malloc_count.c")], check=True)
    return floor, shim


def version_of(prog):
    try:
        out = subprocess.run([prog, "-v"], capture_output=True, text=True, timeout=5).stdout
        return out.strip().splitlines()[0] if out.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


# --------------------------------------------------------------------------------------
# One daemon (or floor) process in its own fresh topology


class Instance:
    """Starts a program in a fresh router namespace and times it until its PID file appears.

    `startup` is the time from just before the spawn until the PID file holds a PID (the
    daemons' readiness signal, written after the conf is installed).
    """

    def __init__(self, tag, argv_fn, conf_text="", env=None, timeout=180):
        self.dir = tempfile.mkdtemp(prefix="smcb.")
        self.rundir = os.path.join(self.dir, "run")
        os.mkdir(self.rundir)
        self.conf = os.path.join(self.dir, "smcroute.conf")
        self.pidfile = os.path.join(self.rundir, "smcroute.pid")
        self.sock = os.path.join(self.rundir, "smcroute.sock")
        self.logpath = os.path.join(self.dir, "log")
        self.proc = None
        with open(self.conf, "w") as f:
            f.write(conf_text)
        self.topo = netns.Topology(tag)
        try:
            self.ino = inotify.Inotify()
            self.ino.watch(self.rundir, inotify.IN_CREATE | inotify.IN_CLOSE_WRITE |
                           inotify.IN_MOVED_TO | inotify.IN_ATTRIB | inotify.IN_MODIFY)
            self.logfile = open(self.logpath, "wb")
            argv = argv_fn(self)
            full_env = dict(os.environ, **(env or {}))
            t0 = time.monotonic()
            self.proc = subprocess.Popen(argv, preexec_fn=netns.enter(self.topo.router),
                                         stdin=subprocess.DEVNULL, stdout=self.logfile,
                                         stderr=subprocess.STDOUT, env=full_env)
            self.startup = self._wait_pidfile(t0, timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def pid(self):
        return self.proc.pid

    def _pidfile_ok(self):
        try:
            with open(self.pidfile) as f:
                text = f.read()
        except FileNotFoundError:
            return False
        return text.endswith("\n") and text.strip().isdigit()

    def _wait_pidfile(self, t0, timeout):
        while True:
            events = self.ino.read(0.1)
            now = time.monotonic()
            if any(name == "smcroute.pid" for _, _, name in events) and self._pidfile_ok():
                return now - t0
            if self.proc.poll() is not None:
                raise Fail("exited with %d before ready: %s" % (self.proc.returncode,
                                                                 self.last_log()))
            if now - t0 > timeout:
                raise Fail("no PID file after %.0f s" % timeout)

    def last_log(self, n=1):
        try:
            with open(self.logpath, errors="replace") as f:
                lines = [ln.strip() for ln in f if ln.strip()]
            return " | ".join(lines[-n:]) or "(no log)"
        except OSError:
            return "(no log)"

    def alive(self):
        if self.proc.poll() is not None:
            raise Fail("daemon died (exit %d): %s" % (self.proc.returncode, self.last_log()))

    def status_kib(self, field):
        """A kB figure of /proc/PID/status (VmHWM, RssAnon, ...)."""
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise Fail("no %s in /proc/%d/status" % (field, self.pid))

    def hwm_kib(self):
        return self.status_kib("VmHWM")

    def reload(self, new_conf, timeout=120):
        """SIGHUP with a new conf; seconds until the PID file is touched or "Ready" is logged."""
        tmp = self.conf + ".new"
        with open(tmp, "w") as f:
            f.write(new_conf)
        os.rename(tmp, self.conf)
        logwd = self.ino.watch(self.logpath, inotify.IN_MODIFY)
        offset = os.path.getsize(self.logpath)
        self.ino.read(0)
        t0 = time.monotonic()
        os.kill(self.pid, signal.SIGHUP)
        while True:
            events = self.ino.read(0.1)
            now = time.monotonic()
            if any(name == "smcroute.pid" for _, _, name in events):
                return now - t0
            if any(wd == logwd for wd, _, _ in events):
                with open(self.logpath, "rb") as f:
                    f.seek(offset)
                    if b"Ready" in f.read():
                        return now - t0
            self.alive()
            if now - t0 > timeout:
                raise Fail("reload not done after %.0f s" % timeout)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "topo", None) is not None:
            self.topo.close()
            self.topo = None
        if getattr(self, "ino", None) is not None:
            self.ino.close()
            self.ino = None
        if getattr(self, "logfile", None) is not None:
            self.logfile.close()
            self.logfile = None
        if not KEEP:
            shutil.rmtree(self.dir, ignore_errors=True)


def ctl(impl, inst, args, stdin_text=None, timeout=60):
    """Runs the impl's smcroutectl against inst; returns (seconds, stdout)."""
    argv = [impl.ctl, "-u", inst.sock] + args
    t0 = time.monotonic()
    res = subprocess.run(argv, input=stdin_text if stdin_text is not None else "",
                         capture_output=True, text=True, timeout=timeout)
    dt = time.monotonic() - t0
    if res.returncode != 0:
        raise Fail("smcroutectl %s: exit %d: %s" % (" ".join(args), res.returncode,
                                                   (res.stderr or res.stdout).strip()[:160]))
    return dt, res.stdout


# --------------------------------------------------------------------------------------
