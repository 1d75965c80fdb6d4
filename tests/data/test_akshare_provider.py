"""The akshare adapter, replayed through akshare's real parsing code with `responses`."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest
import requests

from screener.data import frames
from screener.data.akshare_provider import FetchError, akshare_version
from screener.symbols import parse_symbol
from tests.data import payloads as p

D0, D1 = date(2024, 1, 1), date(2024, 1, 31)


def hosts(rsps) -> list[str]:
    return [requests.utils.urlparse(c.request.url).hostname for c in rsps.calls]


def test_eastmoney_stock_bars_typed_with_adjustment_factor(rsps, provider):
    p.register_em_stock(rsps, beg="20240101", end="20240131")
    got = provider.stock_bars(parse_symbol("600487.SH"), D0, D1)
    assert got.origin == "eastmoney" and got.adj_known
    f = got.frame
    frames.validate(f, "test")
    assert list(f.index.strftime("%Y-%m-%d")) == [r[0] for r in p.RAW]
    assert f["close"].tolist() == [r[2] for r in p.RAW]  # raw prices, not adjusted
    assert f["volume"].iloc[0] == 250000 * 100  # lots -> shares
    assert f["amount"].iloc[0] == 351000000.0
    assert f["turnover"].iloc[0] == pytest.approx(0.0101)  # percent -> fraction
    # constant before the ex-date, one step on it, equal to prev close / (prev close - cash)
    adj = f["adj_factor"].to_numpy()
    assert np.allclose(adj[:3], 4.0, atol=1e-3)
    assert adj[3] / adj[2] == pytest.approx(14.11 / 13.91, rel=2e-4)
    assert adj[4] == adj[3]
    assert [c.request.params["fqt"] for c in rsps.calls] == ["0", "2"]
    assert all(c.request.params["secid"] == "1.600487" for c in rsps.calls)  # bare code, not sh600487


def test_sina_fallback_is_raw_only_and_never_asks_for_factor_files(rsps, provider):
    rsps.get(p.EM_KLINE, status=502)
    p.register_sina_stock(rsps)
    got = provider.stock_bars(parse_symbol("600487.SH"), D0, D1)
    assert got.origin == "sina" and not got.adj_known
    assert [a.source for a in got.attempts] == ["eastmoney", "sina"]
    assert got.attempts[0].kind == "network" and "HTTP 502" in got.attempts[0].error
    assert got.frame["volume"].iloc[0] == 25_000_000  # sina volumes are shares already
    assert got.frame["adj_factor"].isna().all()  # the caller fills these
    urls = [c.request.url for c in rsps.calls]
    assert not any("qfq.js" in u or "hfq.js" in u for u in urls)


def test_tencent_last_with_hfq_factor_and_lot_fix(rsps, provider):
    rsps.get(p.EM_KLINE, body=requests.ConnectionError("Connection reset by peer"))
    rsps.get(f"{p.SINA}/sz000001/hisdata_klc2/klc_kl.js", body=requests.exceptions.ReadTimeout("read timed out"))
    p.register_tencent(rsps, "sz000001", factor=2.5)
    got = provider.stock_bars(parse_symbol("000001.SZ"), D0, D1)
    assert got.origin == "tencent"
    assert [(a.source, a.kind) for a in got.attempts] == [
        ("eastmoney", "network"), ("sina", "network"), ("tencent", None)]
    assert "connection reset" in got.attempts[0].error and "timed out" in got.attempts[1].error
    f = got.frame
    assert f["close"].tolist() == [9.21, 9.20]
    assert f["volume"].iloc[0] == 1158366.0 * 100  # akshare leaves sz000xxx in lots
    assert f["amount"].iloc[0] == pytest.approx(107564.02 * 1e4)
    assert f["turnover"].iloc[0] == pytest.approx(0.006)
    assert np.allclose(f["adj_factor"], 2.5, atol=1e-3)
    # each failing host was retried (3 attempts) before moving on
    assert hosts(rsps).count("push2his.eastmoney.com") == 3
    assert hosts(rsps).count("finance.sina.com.cn") == 3
    # the tencent year loop stays within the requested year
    years = {c.request.params.get("param", "").split(",")[2][:4] for c in rsps.calls if "newfqkline" in c.request.url}
    assert years == {"2024"}


def test_backoff_and_rate_limit_use_the_injected_clock(rsps, provider, clock):
    rsps.get(p.EM_KLINE, status=503)
    p.register_sina_stock(rsps)
    provider.stock_bars(parse_symbol("600487.SH"), D0, D1)
    pol = provider.policy
    # exponential backoff between the three eastmoney attempts: 0.5 s then 1.0 s, plus jitter
    backoffs = [s for s in clock.sleeps if s >= 0.5]
    assert len(backoffs) == 2
    assert 0.5 <= backoffs[0] < 0.5 + pol.jitter and 1.0 <= backoffs[1] < 1.0 + pol.jitter
    # never two requests to one host closer than min_interval
    by_host: dict[str, list[float]] = {}
    for t, url in pol.requests_made:
        by_host.setdefault(requests.utils.urlparse(url).hostname, []).append(t)
    assert by_host["finance.sina.com.cn"] and len(by_host["push2his.eastmoney.com"]) == 3
    for times in by_host.values():
        assert all(b - a >= pol.min_interval for a, b in itertools.pairwise(times))


def test_all_sources_unreachable_fails_fast(rsps, provider, clock):
    # nothing registered: `responses` refuses the connection, like a machine without network
    with pytest.raises(FetchError) as info:
        provider.stock_bars(parse_symbol("600487.SH"), D0, D1)
    err = info.value
    assert err.attempts and all(a.kind == "unreachable" for a in err.attempts)
    assert [a.source for a in err.attempts] == ["eastmoney", "sina", "tencent"]
    assert len(rsps.calls) == 3  # one try per host, no retries
    assert sum(clock.sleeps) == 0
    assert "connection refused" in str(err)
    # a second symbol does not touch the network at all
    with pytest.raises(FetchError):
        provider.stock_bars(parse_symbol("600522.SH"), D0, D1)
    assert len(rsps.calls) == 3


def test_empty_answer_falls_back(rsps, provider):
    rsps.get(p.EM_KLINE, json=p.em_envelope(None))  # unknown code: akshare returns an empty frame
    p.register_sina_stock(rsps)
    got = provider.stock_bars(parse_symbol("600487.SH"), D0, D1)
    assert got.attempts[0].kind == "empty" and got.origin == "sina"


def test_renamed_column_names_it_and_the_akshare_version(rsps, provider, monkeypatch):
    p.register_em_stock(rsps)
    real = provider.ak.stock_zh_a_hist

    def renamed(**kwargs):
        return real(**kwargs).rename(columns={"收盘": "收盘价"})

    monkeypatch.setattr(provider.ak, "stock_zh_a_hist", renamed)
    with pytest.raises(FetchError) as info:
        provider.stock_bars(parse_symbol("600487.SH"), D0, D1, sources=["eastmoney"])
    msg = str(info.value)
    assert "'收盘'" in msg and f"akshare {akshare_version()}" in msg
    assert info.value.attempts[0].kind == "schema"


def test_malformed_payload_is_a_parse_error(rsps, provider):
    rsps.get(p.EM_KLINE, json=p.em_kline("600487", 1, ["2024-01-02,14.10,14.02"]))  # 3 fields
    with pytest.raises(FetchError) as info:
        provider.stock_bars(parse_symbol("600487.SH"), D0, D1, sources=["eastmoney"])
    assert info.value.attempts[0].kind == "parse"
    assert "unexpected payload" in str(info.value)


def test_index_bars_from_eastmoney_then_sina(rsps, provider):
    p.register_em_index(rsps)
    got = provider.index_bars(parse_symbol("000300.SH"), D0, D1)
    assert got.origin == "eastmoney"
    assert got.frame["close"].tolist() == [3386.35, 3385.00]
    assert got.frame["volume"].iloc[0] == 121500000 * 100
    assert (got.frame["adj_factor"] == 1.0).all()
    assert rsps.calls[0].request.params["secid"] == "1.000300"


def test_index_sina_fallback(rsps, provider):
    rsps.get(p.EM_KLINE, status=500)
    p.register_sina_index(rsps)
    got = provider.index_bars(parse_symbol("000300.SH"), D0, D1)
    assert got.origin == "sina" and len(got.frame) == 2
    assert got.frame.index[0] == pd.Timestamp("2024-01-02")


def test_board_constituents_and_bars_by_bk_code(rsps, provider):
    rsps.get(p.EM_CONS, json=p.BOARD_CONS, match=p.qp(fs="b:BK0715 f:!50"))
    rsps.get(p.EM_BOARD_HIST, json=p.BOARD_HIST, match=p.qp(secid="90.BK0715"))
    members, bars = provider.board("BK0715", D0, D1)
    assert members["symbol"].tolist() == ["000001.SZ", "300750.SZ", "600487.SH"]
    assert members.set_index("symbol").loc["600487.SH", "name"] == "亨通光电"
    assert bars.origin == "eastmoney"
    assert bars.frame["close"].tolist() == [1240.10, 1221.75]
    assert bars.frame["turnover"].iloc[0] == pytest.approx(0.0112)
    # no name lookups: only the BK-code endpoints were called
    assert {requests.utils.urlparse(c.request.url).hostname for c in rsps.calls} == {
        "29.push2.eastmoney.com", "91.push2his.eastmoney.com"}


def test_board_falls_back_to_the_industry_endpoint(rsps, provider):
    rsps.get(p.EM_CONS, json=p.BOARD_CONS, match=p.qp(fs="b:BK0448 f:!50"))
    rsps.get(p.EM_BOARD_HIST, status=500)
    rsps.get(p.EM_INDUSTRY_HIST, json=p.BOARD_HIST, match=p.qp(secid="90.BK0448"))
    members, bars = provider.board("BK0448", D0, D1)
    assert bars.origin == "eastmoney-industry" and len(members) == 3


def test_universe_from_the_exchange_lists(rsps, provider):
    p.register_universe(rsps)
    uni = provider.universe()
    assert list(uni.columns) == ["symbol", "name", "full_name"]
    assert set(uni["symbol"]) == {"000001.SZ", "300750.SZ", "600487.SH", "688981.SH", "920000.BJ"}


def test_valuations_never_mislabel_dynamic_pe(rsps, provider):
    rsps.get(p.EM_SPOT, json=p.SPOT)
    vals = provider.valuations()
    assert list(vals.columns) == ["symbol", "pe_ttm", "pe_dynamic", "pb", "mcap", "float_mcap"]
    row = vals.set_index("symbol").loc["600487.SH"]
    assert row["pb"] == 1.62 and row["mcap"] == 34_800_000_000 and row["float_mcap"] == 33_000_000_000
    assert row["pe_dynamic"] == 21.5  # f9, 市盈率-动态: kept under its own name
    assert vals["pe_ttm"].isna().all()


def test_proxy_and_timeout_reach_requests(rsps, provider):
    provider.policy.proxy = "http://proxy.example:3128"
    seen = {}
    real = requests.adapters.HTTPAdapter.send

    p.register_em_stock(rsps)
    orig_send = rsps._on_request

    def spy(adapter, request, **kwargs):
        seen.update(kwargs)
        return orig_send(adapter, request, **kwargs)

    rsps._on_request = spy
    provider.stock_bars(parse_symbol("600487.SH"), D0, D1, sources=["eastmoney"])
    assert seen["timeout"] == provider.policy.timeout
    assert seen["proxies"]["https"] == "http://proxy.example:3128"
    del real
