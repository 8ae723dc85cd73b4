"""How the explorer is served to a class: address, login, upload limit, queue, all checked first.

A teacher runs one explorer for 20-30 learners. ``ServeConfig`` holds every choice
``neuralens serve`` offers; ``ServeConfig.validated`` refuses a bad one with one
line (a bad port, a port in use, an address that is not this machine's, a malformed
login) before Gradio starts, so the CLI can print it and exit 2.
"""

from __future__ import annotations

import ctypes
import errno
import ipaddress
import socket
from dataclasses import dataclass, replace
from pathlib import Path

MAX_UPLOAD_MB_LIMIT = 2048  # a larger upload would not fit the explorer's memory budget
MAX_CONCURRENCY = 32  # heavy jobs at once; more only thrash a small server's cores
M_ARENA_MAX = -8  # glibc's mallopt parameter number for the most memory pools (malloc.h)


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``neuralens serve`` can be told; defaults suit a laptop serving one class."""

    host: str = "127.0.0.1"  # 127.0.0.1 (default): this machine only; 0.0.0.0: every network
    port: int = 7860  # learners open http://HOST:PORT (default 7860)
    auth: tuple[tuple[str, str], ...] = ()  # (user, password) pairs; empty: no login
    max_upload_mb: float = 50.0  # largest upload in MB (default 50); larger: refused, not stored
    concurrency: int = 2  # heavy jobs (training, uploads) at once (default 2); others wait in line
    queue_size: int = 64  # heavy jobs waiting at most; one more is told the server is busy
    cache_check_s: int = 300  # how often Gradio's cache (each figure shown is a file) is cleaned
    cache_max_age_s: int = 900  # of files older than this; old runs are pruned as often
    malloc_arenas: int = 2  # glibc memory pools shared by the server's threads (0: glibc's 8/core)

    def validated(self) -> ServeConfig:
        """This config after every check; a ValueError of one line names the first bad field."""
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port must be between 1 and 65535, got {self.port}")
        if not 0 < self.max_upload_mb <= MAX_UPLOAD_MB_LIMIT:
            raise ValueError(
                f"max upload must be above 0 and at most {MAX_UPLOAD_MB_LIMIT} MB, "
                f"got {self.max_upload_mb}"
            )
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ValueError(
                f"concurrency must be between 1 and {MAX_CONCURRENCY}, got {self.concurrency}"
            )
        if not 0 <= self.malloc_arenas <= 64:
            raise ValueError(f"malloc arenas must be between 0 and 64, got {self.malloc_arenas}")
        if self.queue_size < 1:
            raise ValueError(f"queue size must be at least 1, got {self.queue_size}")
        for user, password in self.auth:
            if not user or not password:
                raise ValueError("every login needs a user name and a password (USER:PASS)")
        check_bindable(self.host, self.port)
        return self

    @property
    def max_file_size(self) -> int:
        """The upload limit in bytes, as Gradio's ``launch(max_file_size=...)`` takes it."""
        return int(self.max_upload_mb * 1024 * 1024)

    def with_auth(self, spec: str | None) -> ServeConfig:
        """This config requiring the login(s) of ``spec``: ``USER:PASS`` or a file of them."""
        return self if spec is None else replace(self, auth=parse_auth(spec))


def parse_auth(spec: str) -> tuple[tuple[str, str], ...]:
    """``USER:PASS``, or the path of a file with one ``USER:PASS`` per line, as (user, password).

    Blank lines and lines starting with # in the file are skipped.

    >>> parse_auth("teacher:s3cret:x")
    (('teacher', 's3cret:x'),)
    """
    path = Path(spec).expanduser()
    is_file = ":" not in spec or path.is_file()
    if is_file:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise ValueError(f"auth must be USER:PASS or a readable file of such lines; "
                             f"{path.name}: {reason}") from None  # fmt: skip
    else:
        lines = [spec]
    pairs = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, colon, password = line.partition(":")
        if not colon or not user.strip() or not password:
            where = f"line {number} of {path.name}" if is_file else "the auth value"
            raise ValueError(f"{where} is not USER:PASS (a user name, a colon, a password)")
        pairs.append((user.strip(), password))
    if not pairs:
        raise ValueError(f"{path.name} holds no USER:PASS line")
    return tuple(pairs)


def is_loopback(host: str) -> bool:
    """True when only this machine can reach ``host`` (127.x, ::1, localhost).

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0"), is_loopback("localhost")
    (True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def network_warning(config: ServeConfig) -> str | None:
    """The warning to print when the explorer is reachable from the network, else None."""
    if is_loopback(config.host):
        return None
    login = "a login is required" if config.auth else "no login is required (add --auth USER:PASS)"
    return (
        f"warning: the explorer on {config.host}:{config.port} is reachable from the network: "
        f"anyone who can reach this machine can use it and upload files; {login}"
    )


def limit_malloc_arenas(arenas: int) -> bool:
    """Let the server's threads share ``arenas`` glibc memory pools; True if glibc took it.

    Each thread that renders a figure otherwise gets a pool of its own (up to 8 per
    core), and freed figures stay in those pools: the server's memory then keeps
    the peak of 20 learners drawing at once. Linux with glibc only; elsewhere a no-op.
    """
    if arenas <= 0:
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def check_bindable(host: str, port: int) -> None:
    """Refuse, in one line, an address that is not this machine's or a port already in use."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValueError(f"host {host!r} is not a known address or name") from None
    family, kind, proto, _, address = infos[0]
    reasons = {
        errno.EADDRINUSE: f"port {port} is in use on {host}; pick another with --port",
        errno.EADDRNOTAVAIL: f"{host} is not an address of this machine; use 127.0.0.1 "
        "(this machine only) or 0.0.0.0 (every network)",
        errno.EACCES: f"port {port} needs administrator rights; use one above 1023",
    }
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            reason = reasons.get(error.errno, f"cannot listen on {host}:{port}: {error.strerror}")
            raise ValueError(reason) from None
