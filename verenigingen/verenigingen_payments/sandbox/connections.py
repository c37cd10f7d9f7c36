"""The emulator server's TCP connections, counted so tests can see keep-alive reuse one."""

from __future__ import annotations

import socket
import threading


class ConnectionTracker:
    """The server's TCP connections: how many were accepted, and the open ones (closed on stop)."""

    def __init__(self) -> None:
        self.accepted = 0
        self._open: set = set()
        self._lock = threading.Lock()

    def opened(self, sock) -> None:
        with self._lock:
            self.accepted += 1
            self._open.add(sock)

    def closed(self, sock) -> None:
        with self._lock:
            self._open.discard(sock)

    def as_dict(self) -> dict:
        with self._lock:
            return {"accepted": self.accepted, "open": len(self._open)}

    def close_all(self) -> None:
        with self._lock:
            socks = list(self._open)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
