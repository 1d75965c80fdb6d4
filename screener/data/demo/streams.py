"""Seeded random streams named by a stable key: the same key gives the same draws in
every process (crc32 of the key, never Python's salted ``hash``)."""

from __future__ import annotations

import zlib

import numpy as np


def stream(key: str) -> np.random.Generator:
    """The random stream for ``key`` (a symbol, ``"market"``, ``"sector:fiber"``, ...)."""
    return np.random.default_rng(zlib.crc32(key.encode("utf-8")))


def unit_t(rng: np.random.Generator, df: float, n: int) -> np.ndarray:
    """Student-t draws scaled to unit variance: fat-tailed daily shocks."""
    return rng.standard_t(df, n) / np.sqrt(df / (df - 2.0))
