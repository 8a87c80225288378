"""Run an ASGI app on uvicorn: in the foreground (the CLI, stopped by SIGINT or SIGTERM) or on a
thread (tests, benchmarks), on a socket bound here so a port in use is one clear error."""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import uvicorn


class PortInUse(OSError):
    """The address is taken (the message names it)."""


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio sets TCP_NODELAY only then
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(f"{host}:{port} is already in use") from None
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    """uvicorn re-raises a SIGINT or SIGTERM once it has shut down, to end the process the default
    way; a harness server ends by returning instead, so its report is written and it exits 0."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


class _Deliberate(logging.Filter):
    """An injected disconnect returns from the app with the body unfinished, which uvicorn reports as an
    application error; it is the fault asked for, so it is not logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_Deliberate())


def _server(app: Any) -> _Server:
    config = uvicorn.Config(app, lifespan="on", http="h11", ws="none", log_level="warning", access_log=False,
                            server_header=False, date_header=False, timeout_graceful_shutdown=2, log_config=None)
    return _Server(config)


def run(app: Any, sock: socket.socket) -> None:
    """Serve until SIGINT or SIGTERM (the app's lifespan shutdown runs before this returns)."""
    _server(app).run(sockets=[sock])


@contextmanager
def in_thread(app: Any, sock: socket.socket, timeout: float = 10.0) -> Iterator[str]:
    """Serve on a thread while the block runs; yields the base URL."""
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="harness-live")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    if not server.started:
        raise RuntimeError("the server did not start")
    try:
        yield address(sock)
    finally:
        server.should_exit = True
        thread.join(timeout)

