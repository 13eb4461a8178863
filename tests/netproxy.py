"""A loopback TCP proxy that behaves like a bad mobile link: slow, late, and cut now and then.

    proxy = Proxy(target_port, rate=6250, latency_s=0.3, cuts=[40_000, 90_000])
    ... point the client at proxy.url ...
    proxy.close()

`rate` is bytes per second in each direction (6250 = 50 kbit/s); `latency_s` delays every
piece one way; `cuts` are upstream byte counts (client -> server, over the proxy's life) at
which the live connection is closed on both sides. `up_bytes` counts what the client put on
the link, `up_delivered` what reached the server. Listens on 127.0.0.1 only; every thread
stops when its sockets close.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import struct
import threading
import time

Line = queue.Queue[tuple[float, bytes] | None]  # pieces in flight, with when they arrived
Pair = tuple[socket.socket, socket.socket]


class Proxy:
    def __init__(
        self,
        target_port: int,
        *,
        rate: float | None = None,
        latency_s: float = 0.0,
        cuts: list[int] | None = None,
    ) -> None:
        self.target_port = target_port  # may be changed, e.g. after a server restart
        self.rate = rate
        self.latency_s = latency_s
        self.pending_cuts = sorted(cuts or [])
        self.up_bytes = 0
        self.up_delivered = 0
        self.down_bytes = 0
        self.cuts_done = 0
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            socks = list(self._open)
        for s in socks:
            _hard_close(s)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                server.settimeout(None)
            except OSError:
                _hard_close(client)  # nothing listens there: the link drops at once
                continue
            pair = (client, server)
            with self._lock:
                self._open.update(pair)
            for src, dst, up in ((client, server, True), (server, client, False)):
                line: Line = queue.Queue()
                threading.Thread(target=self._read, args=(src, line, up, pair), daemon=True).start()
                threading.Thread(target=self._write, args=(dst, line, up), daemon=True).start()

    def _piece(self, up: bool) -> int:
        size = 16384 if self.rate is None else max(256, int(self.rate / 20))
        if up:
            with self._lock:
                if self.pending_cuts:
                    size = max(1, min(size, self.pending_cuts[0] - self.up_bytes))
        return size

    def _read(self, src: socket.socket, line: Line, up: bool, pair: Pair) -> None:
        started, sent = time.monotonic(), 0
        try:
            while True:
                data = src.recv(self._piece(up))
                if not data:
                    break
                sent += len(data)
                cut = False
                with self._lock:
                    if up:
                        self.up_bytes += len(data)
                        if self.pending_cuts and self.up_bytes >= self.pending_cuts[0]:
                            self.pending_cuts.pop(0)
                            self.cuts_done += 1
                            cut = True
                    else:
                        self.down_bytes += len(data)
                if cut:
                    self._cut(pair)
                    break
                line.put((time.monotonic(), data))
                if self.rate:  # hold the sender back to the link's speed
                    time.sleep(max(0.0, started + sent / self.rate - time.monotonic()))
        except OSError:
            pass
        line.put(None)

    def _write(self, dst: socket.socket, line: Line, up: bool) -> None:
        while True:
            try:
                item = line.get(timeout=600)
            except queue.Empty:
                break
            if item is None:
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)
                break
            arrived, data = item
            time.sleep(max(0.0, arrived + self.latency_s - time.monotonic()))
            try:
                dst.sendall(data)
            except OSError:
                break
            if up:
                with self._lock:
                    self.up_delivered += len(data)

    def _cut(self, pair: Pair) -> None:
        for s in pair:
            _hard_close(s)
        with self._lock:
            self._open.difference_update(pair)


def _hard_close(s: socket.socket) -> None:
    """Close with RST, as a dropped radio link looks to both ends."""
    with contextlib.suppress(OSError):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RD)  # wakes a thread blocked in recv on it
    with contextlib.suppress(OSError):
        s.close()
