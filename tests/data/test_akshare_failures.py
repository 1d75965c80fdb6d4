"""Every akshare endpoint the provider calls, replayed failing: connection reset, read
timeout, HTTP 5xx, an empty answer and a renamed column. Each failure must come back as
a typed error naming the source and endpoint (and, for a renamed column, the column and
the akshare version), and the next source must be tried."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
import requests
import responses

from screener.data.akshare_provider import (
    AkshareProvider,
    FetchError,
    SourceError,
    akshare_version,
)
from screener.symbols import parse_symbol
from tests.data import payloads as p
from tests.data.sina_codec import encode_bars

D0, D1 = date(2024, 1, 1), date(2024, 1, 31)
SSE = "https://query.sse.com.cn/sseQuery/commonQuery.do"
SINA_STOCK = f"{p.SINA}/sh600487/hisdata_klc2/klc_kl.js"
SINA_INDEX = f"{p.SINA}/sh000300/hisdata/klc_kl.js"
CONS_QUERY = p.qp(fs="b:BK0715 f:!50")


def _tx_trends(r: responses.RequestsMock) -> None:
    r.get(p.TX_TRENDS, body='trend_qfq={"code":0,"msg":"","data":[["2024-01-02","9.39"]]}', content_type="text/html")


def _tx_empty(r: responses.RequestsMock) -> None:
    body = 'kline_day2024={"code":0,"msg":"","data":{"sz000001":{"day":[],"qt":{}}}}'
    r.add_callback(responses.GET, p.TX_KLINE, callback=lambda req: (200, {}, body), content_type="text/html")


def _sina_amount(r: responses.RequestsMock) -> None:
    r.get(p.SINA_AMOUNT.format("sh600487"),
          body='var KKE_ShareAmount_sh600487=({data:[{date:"2023-06-30",amount:"246698.8633"}]});')


def _universe_rest(r: responses.RequestsMock) -> None:
    """The SZSE and BSE lists (the SSE one is the endpoint under test)."""
    p.register_universe(r)
    for _ in range(2):  # its two SSE lists (main board, STAR)
        r.remove(responses.GET, SSE)


def _nothing(r: responses.RequestsMock) -> None:
    return None


@dataclass
class Endpoint:
    name: str  # the akshare function
    source: str  # the source label its errors carry
    url: str  # the URL the failures are served on
    call: Callable[[AkshareProvider], object]
    others: Callable[[responses.RequestsMock], None]  # success for every other URL the call needs
    target_ok: Callable[[responses.RequestsMock], None]  # success for the URL under test
    empty: Callable[[responses.RequestsMock], None]  # an empty answer on the URL under test
    empty_kind: str  # how akshare's handling of that empty answer surfaces
    column: str  # a column the transform needs
    match: list | None = None


def stock(source: str) -> Callable[[AkshareProvider], object]:
    code = "000001.SZ" if source == "tencent" else "600487.SH"
    return lambda pr: pr.stock_bars(parse_symbol(code), D0, D1, sources=[source])


def index(source: str) -> Callable[[AkshareProvider], object]:
    return lambda pr: pr.index_bars(parse_symbol("000300.SH"), D0, D1, sources=[source])


def board(pr: AkshareProvider) -> object:
    return pr.board("BK0715", D0, D1)


def concept_cons_ok(r: responses.RequestsMock) -> None:
    r.get(p.EM_CONS, json=p.BOARD_CONS, match=CONS_QUERY)


ENDPOINTS = [
    Endpoint("stock_zh_a_hist", "eastmoney", p.EM_KLINE, stock("eastmoney"), _nothing,
             lambda r: p.register_em_stock(r), lambda r: r.get(p.EM_KLINE, json=p.em_envelope(None)), "empty", "收盘"),
    Endpoint("stock_zh_a_daily", "sina", SINA_STOCK, stock("sina"), _sina_amount,
             lambda r: p.register_sina_stock(r),
             lambda r: r.get(SINA_STOCK, body=f'var KLC_KL_sh600487="{encode_bars([])}";\n'), "parse", "close"),
    Endpoint("stock_zh_a_hist_tx", "tencent", p.TX_KLINE, stock("tencent"), _tx_trends,
             lambda r: p.register_tencent(r), _tx_empty, "parse", "close"),
    Endpoint("stock_zh_index_daily_em", "eastmoney", p.EM_KLINE, index("eastmoney"), _nothing,
             lambda r: p.register_em_index(r), lambda r: r.get(p.EM_KLINE, json=p.em_kline("000300", 1, [])),
             "empty", "close"),
    Endpoint("stock_zh_index_daily", "sina", SINA_INDEX, index("sina"), _nothing,
             lambda r: p.register_sina_index(r),
             lambda r: r.get(SINA_INDEX, body=f'var KLC_KL_sh000300="{encode_bars([])}";\n'), "parse", "close"),
    # the concept board's constituents: its failure (the industry endpoint shares the URL) fails both
    Endpoint("stock_board_concept_cons_em", "eastmoney", p.EM_CONS, board,
             lambda r: (r.get(p.EM_BOARD_HIST, json=p.BOARD_HIST), r.get(p.EM_INDUSTRY_HIST, json=p.BOARD_HIST)),
             concept_cons_ok, lambda r: r.get(p.EM_CONS, json=p.em_envelope({"total": 0, "diff": []})),
             "parse", "代码"),
    Endpoint("stock_board_concept_hist_em", "eastmoney", p.EM_BOARD_HIST, board,
             lambda r: (concept_cons_ok(r), r.get(p.EM_INDUSTRY_HIST, status=500)),
             lambda r: r.get(p.EM_BOARD_HIST, json=p.BOARD_HIST),
             lambda r: r.get(p.EM_BOARD_HIST, json=p.em_kline("BK0715", 90, [])), "empty", "收盘"),
    # the industry endpoints are the fallback: the concept history fails first (HTTP 500)
    Endpoint("stock_board_industry_cons_em", "eastmoney-industry", p.EM_CONS, board,
             lambda r: (concept_cons_ok(r), r.get(p.EM_BOARD_HIST, status=500),
                        r.get(p.EM_INDUSTRY_HIST, json=p.BOARD_HIST)),
             concept_cons_ok, lambda r: r.get(p.EM_CONS, json=p.em_envelope({"total": 0, "diff": []})),
             "parse", "代码"),
    Endpoint("stock_board_industry_hist_em", "eastmoney-industry", p.EM_INDUSTRY_HIST, board,
             lambda r: (concept_cons_ok(r), r.get(p.EM_BOARD_HIST, status=500)),
             lambda r: r.get(p.EM_INDUSTRY_HIST, json=p.BOARD_HIST),
             lambda r: r.get(p.EM_INDUSTRY_HIST, json=p.em_kline("BK0715", 90, [])), "parse", "收盘"),
    Endpoint("stock_info_a_code_name", "exchanges", SSE, lambda pr: pr.universe(), _universe_rest,
             lambda r: p.register_universe(r),
             lambda r: r.get(SSE, json={"actionErrors": [], "result": [], "pageHelp": {"total": 0}}), "parse", "code"),
    Endpoint("stock_zh_a_spot_em", "eastmoney", p.EM_SPOT, lambda pr: pr.valuations(), _nothing,
             lambda r: r.get(p.EM_SPOT, json=p.SPOT), lambda r: r.get(p.EM_SPOT, json=p.em_envelope({"total": 0, "diff": []})),
             "parse", "市净率"),
]

# every akshare function the provider's source code calls is in the matrix
PROVIDER_ENDPOINTS = {
    "stock_zh_a_hist", "stock_zh_a_daily", "stock_zh_a_hist_tx", "stock_zh_index_daily_em", "stock_zh_index_daily",
    "stock_board_concept_cons_em", "stock_board_concept_hist_em", "stock_board_industry_cons_em",
    "stock_board_industry_hist_em", "stock_info_a_code_name", "stock_zh_a_spot_em",
}


def test_the_matrix_covers_every_endpoint_the_provider_calls():
    import inspect
    import re

    from screener.data import akshare_provider

    called = set(re.findall(r'"((?:stock|index)_[a-z0-9_]+)"', inspect.getsource(akshare_provider)))
    assert called == PROVIDER_ENDPOINTS == {e.name for e in ENDPOINTS}


def outcome(ep: Endpoint, provider: AkshareProvider) -> tuple[str | None, str]:
    """(kind, message) of the attempt that used ``ep``; kind None when it answered."""
    try:
        result = ep.call(provider)
    except FetchError as exc:
        attempts = exc.attempts
    except SourceError as exc:
        return exc.kind, str(exc)
    else:
        attempts = result[1].attempts if isinstance(result, tuple) else getattr(result, "attempts", [])
        if not attempts:
            return None, ""
    (mine,) = [a for a in attempts if a.source == ep.source and a.error is None or ep.name in (a.error or "")]
    return mine.kind, mine.error or ""


FAILURES = {
    "reset": ({"body": requests.ConnectionError("Connection reset by peer")}, "network", "connection reset"),
    "timeout": ({"body": requests.exceptions.ReadTimeout("read timed out")}, "network", "timed out"),
    "5xx": ({"status": 503}, "network", "HTTP 503"),
}


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("failure", list(FAILURES))
def test_network_failures(rsps, provider, ep: Endpoint, failure: str):
    kwargs, kind, words = FAILURES[failure]
    ep.others(rsps)
    rsps.get(ep.url, **kwargs)
    got_kind, message = outcome(ep, provider)
    assert got_kind == kind
    assert words in message and f"({ep.name})" in message and ep.source in message
    assert "after 3 attempts" in message  # retried with backoff, then given up


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_empty_answers(rsps, provider, ep: Endpoint):
    ep.others(rsps)
    ep.empty(rsps)
    kind, message = outcome(ep, provider)
    assert kind == ep.empty_kind and f"({ep.name})" in message
    if kind == "parse":
        assert f"akshare {akshare_version()}" in message


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_renamed_columns(rsps, provider, ep: Endpoint, monkeypatch):
    ep.others(rsps)
    ep.target_ok(rsps)
    assert outcome(ep, provider)[0] is None  # the replay itself answers
    real = getattr(provider.ak, ep.name)
    monkeypatch.setattr(provider.ak, ep.name, lambda **kw: real(**kw).rename(columns={ep.column: ep.column + "_v2"}))
    kind, message = outcome(ep, provider)
    assert kind == "schema"
    assert f"'{ep.column}'" in message and f"akshare {akshare_version()}" in message
