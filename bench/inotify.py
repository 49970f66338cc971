"""Minimal inotify through ctypes: wake up the moment a PID file is written or touched."""

import ctypes
import os
import select
import struct

IN_MODIFY = 0x002
IN_ATTRIB = 0x004
IN_CLOSE_WRITE = 0x008
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000

_libc = ctypes.CDLL(None, use_errno=True)
_HEADER = struct.Struct("iIII")


class Inotify:
    def __init__(self):
        self.fd = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN)

    def watch(self, path, mask):
        wd = _libc.inotify_add_watch(self.fd, os.fsencode(path), mask)
        if wd < 0:
            raise OSError(ctypes.get_errno(), "inotify_add_watch %s" % path)
        return wd

    def read(self, timeout):
        """Waits up to `timeout` seconds; returns a list of (wd, mask, name)."""
        if not self.poller.poll(max(0, int(timeout * 1000))):
            return []
        try:
            buf = os.read(self.fd, 65536)
        except BlockingIOError:
            return []
        events, off = [], 0
        while off + _HEADER.size <= len(buf):
            wd, mask, _cookie, length = _HEADER.unpack_from(buf, off)
            off += _HEADER.size
            name = buf[off:off + length].rstrip(b"\0").decode(errors="replace")
            off += length
            events.append((wd, mask, name))
        return events

    def close(self):
        os.close(self.fd)
