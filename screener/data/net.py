"""HTTP policy for live fetches: our own timeouts, a per-host rate limit with jitter,
retries with exponential backoff, a proxy, and failing fast on hosts that are down.

akshare calls ``requests`` directly (mostly without a timeout), so while a fetch runs
:meth:`NetPolicy.active` wraps ``requests.Session.request`` — which ``requests.get`` and
akshare's own sessions go through — and applies the policy to every request:

* timeout ``(connect, read)`` on every request, whatever akshare passed;
* at most one request per ``min_interval`` (+ random jitter) per host;
* connection resets, timeouts and HTTP 5xx are retried ``attempts`` times with backoff
  ``backoff × 2^k`` (+ jitter), then raise :class:`NetworkFailure`;
* a host that cannot be resolved, refuses connections or is unreachable is marked down
  at once and every later request to it raises :class:`HostDown` without touching the
  network, so a machine without network fails in milliseconds, not minutes; so is a
  host whose connect times out while no host has answered at all yet (packets dropped
  by a firewall: one connect timeout per host instead of every retry).

Both errors deliberately do not subclass ``requests.RequestException``: akshare's own
retry loops (which really sleep) let them through. ``sleep``, ``clock`` and ``rng`` are
injectable so tests never sleep. The wrapper is process-global while active; fetches
run one at a time (a lock enforces it).
"""

from __future__ import annotations

import errno
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from screener.i18n import _

_UNREACHABLE_TEXT = (
    "Failed to resolve",
    "Name or service not known",
    "nodename nor servname",
    "Temporary failure in name resolution",
    "No address associated",
    "getaddrinfo failed",
    "Connection refused",
    "Network is unreachable",
    "No route to host",
)
_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH}


class HostDown(Exception):
    """A host known to be unreachable in this process (DNS failure, refused, no route)."""

    def __init__(self, host: str, reason: str):
        self.host, self.reason = host, reason
        super().__init__(f"{host} is unreachable ({reason})")


class NetworkFailure(Exception):
    """A request that still failed after every retry (reset, timeout, HTTP 5xx)."""

    def __init__(self, host: str, reason: str, attempts: int):
        self.host, self.reason, self.attempts = host, reason, attempts
        super().__init__(f"{host}: {reason} (after {attempts} attempt{'s' if attempts != 1 else ''})")


def unreachable_reason(exc: BaseException) -> str | None:
    """'cannot resolve host' / 'connection refused' / ... when ``exc`` (or its causes)
    says the host cannot be reached at all; None for errors worth retrying."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        cur = todo.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, OSError) and cur.errno in _UNREACHABLE_ERRNOS:
            return "connection refused" if cur.errno == errno.ECONNREFUSED else "network unreachable"
        text = str(cur)
        for marker in _UNREACHABLE_TEXT:
            if marker in text:
                return "connection refused" if "refused" in marker else (
                    "network unreachable" if "unreachable" in marker or "route" in marker
                    else _("cannot resolve host name")
                )
        todo.extend([cur.__cause__, cur.__context__, *[a for a in cur.args if isinstance(a, BaseException)]])
        reason = getattr(cur, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
    return None


def _describe(exc: BaseException | None, response: requests.Response | None) -> str:
    if response is not None:
        return f"HTTP {response.status_code}"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    text = str(exc)
    if "reset" in text.lower():
        return "connection reset"
    return f"{type(exc).__name__}: {text[:160]}"


@dataclass
class NetPolicy:
    """How live fetches use the network (see the module docstring)."""

    timeout: tuple[float, float] = (5.0, 20.0)
    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    min_interval: float = 0.3
    jitter: float = 0.3
    proxy: str | None = None
    sleep: Callable[[float], None] = field(default=lambda seconds: time.sleep(seconds))
    clock: Callable[[], float] = field(default=lambda: time.monotonic())
    rng: random.Random = field(default_factory=random.Random)
    down: dict[str, str] = field(default_factory=dict)  # host -> reason
    requests_made: list[tuple[float, str]] = field(default_factory=list)  # (clock, URL) sent
    _last: dict[str, float] = field(default_factory=dict)
    _answered: bool = False  # some host has sent a response: the network itself works

    def _throttle(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = last + self.min_interval + self.rng.uniform(0, self.jitter) - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2**attempt, self.max_backoff) + self.rng.uniform(0, self.jitter)

    def send(self, original: Callable[..., requests.Response], session: requests.Session,
             method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request under the policy (called by the patched ``Session.request``)."""
        host = urlsplit(url).hostname or url
        if host in self.down:
            raise HostDown(host, self.down[host])
        kwargs["timeout"] = self.timeout
        if self.proxy:
            kwargs["proxies"] = {"http": self.proxy, "https": self.proxy}
        last_exc: BaseException | None = None
        last_resp: requests.Response | None = None
        for attempt in range(self.attempts):
            self._throttle(host)
            self.requests_made.append((self.clock(), url))
            last_exc = last_resp = None
            try:
                response = original(session, method, url, **kwargs)
            except requests.RequestException as exc:
                reason = unreachable_reason(exc)
                if reason is None and isinstance(exc, requests.ConnectTimeout) and not self._answered:
                    # nothing has answered yet: packets are probably dropped (no network, a
                    # firewall); the kernel already re-sent the SYN within the timeout
                    reason = _("connect timed out, and no host has answered yet")
                if reason is not None:
                    self.down[host] = reason
                    raise HostDown(host, reason) from exc
                last_exc = exc
            else:
                self._answered = True
                if response.status_code < 500:
                    return response
                last_resp = response
            if attempt + 1 < self.attempts:
                self.sleep(self._backoff(attempt))
        reason = _describe(last_exc, last_resp)
        if isinstance(last_exc, (requests.ConnectionError, requests.ConnectTimeout)) and not isinstance(
            last_exc, requests.ReadTimeout
        ):
            self.down[host] = reason  # the host keeps dropping us: skip it for the rest of the run
        raise NetworkFailure(host, reason, self.attempts) from last_exc

    @contextmanager
    def active(self) -> Iterator[NetPolicy]:
        """Apply this policy to every ``requests`` call made inside the block."""
        with _PATCH_LOCK:
            original = requests.Session.request
            policy = self

            def request(session: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
                return policy.send(original, session, method, url, **kwargs)

            requests.Session.request = request  # type: ignore[method-assign]
            try:
                yield self
            finally:
                requests.Session.request = original  # type: ignore[method-assign]


_PATCH_LOCK = threading.Lock()
