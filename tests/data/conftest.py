"""Offline replay fixtures: every HTTP call goes through `responses`; nothing sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
import responses

from screener.data.akshare_provider import AkshareProvider, akshare_module
from screener.data.net import NetPolicy


def clear_akshare_caches() -> None:
    import akshare.index.index_zh_em as iz
    import akshare.stock.stock_board_concept_em as ce
    import akshare.stock.stock_board_industry_em as ie
    import akshare.stock.stock_info as si

    for fn in (iz.index_code_id_map_em, getattr(ce, "__stock_board_concept_name_em"),
               getattr(ie, "__stock_board_industry_name_em"), si.stock_info_a_code_name,
               si.stock_info_sh_name_code, si.stock_info_sz_name_code, si.stock_info_bj_name_code):
        fn.cache_clear()


class FakeClock:
    """A monotonic clock that only moves when something 'sleeps'."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def policy(clock: FakeClock) -> NetPolicy:
    import random

    return NetPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(7))


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """HTTP replay; unregistered URLs raise ConnectionError. akshare's own sleeps are patched."""
    akshare_module()
    clear_akshare_caches()
    with mock.patch("time.sleep"), responses.RequestsMock(assert_all_requests_are_fired=False) as r:
        yield r
    clear_akshare_caches()


@pytest.fixture
def provider(policy: NetPolicy) -> AkshareProvider:
    return AkshareProvider(policy)
