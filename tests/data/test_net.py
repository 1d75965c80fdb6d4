"""NetPolicy: timeouts, per-host throttling, backoff, failing fast on dead hosts."""

from __future__ import annotations

import random
import socket

import pytest
import requests
import urllib3

from screener.data.net import HostDown, NetPolicy, NetworkFailure, unreachable_reason
from tests.data.conftest import FakeClock


def make(clock: FakeClock, **kw) -> NetPolicy:
    return NetPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(1), **kw)


class Script:
    """A fake ``Session.request`` answering from a list of results."""

    def __init__(self, *results):
        self.results = list(results)
        self.calls: list[dict] = []

    def __call__(self, session, method, url, **kwargs):
        self.calls.append(kwargs)
        r = self.results.pop(0)
        if isinstance(r, BaseException):
            raise r
        resp = requests.Response()
        resp.status_code = r
        return resp


def test_throttles_per_host_with_jitter():
    clock = FakeClock()
    pol = make(clock, min_interval=1.0, jitter=0.5)
    send = Script(200, 200, 200)
    pol.send(send, None, "GET", "https://a.example/x")
    pol.send(send, None, "GET", "https://b.example/x")  # another host: no wait
    assert clock.sleeps == []
    pol.send(send, None, "GET", "https://a.example/y")
    assert len(clock.sleeps) == 1 and 1.0 <= clock.sleeps[0] < 1.5


def test_retries_5xx_and_resets_with_exponential_backoff_then_gives_up():
    clock = FakeClock()
    pol = make(clock, attempts=4, backoff=0.5, jitter=0.0, min_interval=0.0)
    send = Script(503, requests.ConnectionError("Connection reset by peer"), 502, 500)
    with pytest.raises(NetworkFailure) as info:
        pol.send(send, None, "GET", "https://a.example/x")
    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert "HTTP 500" in str(info.value) and "4 attempts" in str(info.value)
    assert not isinstance(info.value, requests.RequestException)  # akshare's retry loops let it through


def test_success_after_a_retry_and_4xx_passes_through():
    clock = FakeClock()
    pol = make(clock, jitter=0.0, min_interval=0.0)
    send = Script(requests.exceptions.ReadTimeout("read timed out"), 200, 404)
    assert pol.send(send, None, "GET", "https://a.example/x").status_code == 200
    assert pol.send(send, None, "GET", "https://a.example/x").status_code == 404
    assert "a.example" not in pol.down


def test_every_request_gets_our_timeout_and_proxy():
    clock = FakeClock()
    pol = make(clock, timeout=(1.5, 9.0), proxy="http://p:8080")
    send = Script(200)
    pol.send(send, None, "GET", "https://a.example/x", timeout=None)
    assert send.calls[0]["timeout"] == (1.5, 9.0)
    assert send.calls[0]["proxies"] == {"http": "http://p:8080", "https": "http://p:8080"}


def test_dead_host_fails_at_once_and_stays_dead():
    clock = FakeClock()
    pol = make(clock)
    dns = requests.ConnectionError(urllib3.exceptions.NameResolutionError("push2his.eastmoney.com", None, socket.gaierror(-2, "Name or service not known")))
    send = Script(dns)
    with pytest.raises(HostDown, match="cannot resolve host name"):
        pol.send(send, None, "GET", "https://push2his.eastmoney.com/x")
    with pytest.raises(HostDown):
        pol.send(send, None, "GET", "https://push2his.eastmoney.com/y")
    assert len(send.calls) == 1 and clock.sleeps == []


def test_unreachable_reasons():
    assert unreachable_reason(requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"))) == "connection refused"
    assert unreachable_reason(OSError(101, "Network is unreachable")) == "network unreachable"
    assert unreachable_reason(requests.ConnectionError("Connection reset by peer")) is None
    assert unreachable_reason(requests.exceptions.ReadTimeout("x")) is None


def test_active_patches_requests_and_restores_it():
    original = requests.Session.request
    pol = make(FakeClock())
    with pol.active():
        assert requests.Session.request is not original
        with pytest.raises(HostDown):
            requests.get("http://127.0.0.1:9/never")  # connection refused locally, no retries
    assert requests.Session.request is original
    assert pol.down == {"127.0.0.1": "connection refused"}


class Blackhole:
    """A firewall that drops packets: every connect waits out the connect timeout."""

    def __init__(self, clock: FakeClock, timeout: float):
        self.clock, self.timeout, self.calls = clock, timeout, 0

    def __call__(self, session, method, url, **kwargs):
        self.calls += 1
        self.clock.now += self.timeout
        raise requests.exceptions.ConnectTimeout(f"connect to {url} timed out")


def test_no_answer_from_anywhere_gives_up_on_a_host_after_one_connect_timeout():
    clock = FakeClock()
    pol = make(clock)
    hole = Blackhole(clock, pol.timeout[0])
    start = clock.now
    for host in ("push2his.eastmoney.com", "finance.sina.com.cn", "web.ifzq.gtimg.cn"):
        with pytest.raises(HostDown, match="connect timed out"):
            pol.send(hole, None, "GET", f"https://{host}/x")
        with pytest.raises(HostDown):  # and stays down: the next symbol costs nothing
            pol.send(hole, None, "GET", f"https://{host}/y")
    assert hole.calls == 3
    assert clock.now - start <= 3 * pol.timeout[0] + 1  # seconds, not 3 × (3 timeouts + backoff)


def test_once_a_host_has_answered_connect_timeouts_are_retried():
    clock = FakeClock()
    pol = make(clock, jitter=0.0, min_interval=0.0)
    pol.send(Script(200), None, "GET", "https://a.example/x")  # the network works
    send = Script(requests.exceptions.ConnectTimeout("slow"), 200)
    assert pol.send(send, None, "GET", "https://b.example/x").status_code == 200
    assert "b.example" not in pol.down
