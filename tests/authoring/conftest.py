"""Shared fixtures for authoring tests: the seed article and name tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from screener.authoring.names import NameIndex, build_index
from screener.theme.model import Theme
from screener.theme.registry import ThemeDir, ThemeRegistry, builtin_themes_dir

SEED_NAME = "seed-article-securities-daily-2026-05.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The seed page (a copy of ../shared/reference/, so a fresh clone can run the tests)."""
    return FIXTURES / SEED_NAME


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def builtin_themes() -> list[Theme]:
    registry = ThemeRegistry([ThemeDir(builtin_themes_dir(), "built-in")])
    return [e.load() for e in registry.entries().values()]


# Listed firms with names that collide with words in the seed page or in common text,
# plus the two firms the page names only as a source (华泰证券) and a credit (视觉中国).
TRICKY_UNIVERSE = pd.DataFrame(
    [
        ("601688.SH", "华泰证券", "华泰证券股份有限公司"),
        ("000681.SZ", "视觉中国", "视觉(中国)文化发展股份有限公司"),
        ("601857.SH", "中国石油", "中国石油天然气股份有限公司"),
        ("000591.SZ", "太阳能", "中节能太阳能股份有限公司"),
        ("300024.SZ", "机器人", "沈阳新松机器人自动化股份有限公司"),
        ("300059.SZ", "东方财富", "东方财富信息股份有限公司"),
        ("300033.SZ", "同花顺", "浙江核新同花顺网络信息股份有限公司"),
        ("601991.SH", "大唐发电", "大唐国际发电股份有限公司"),
        ("600893.SH", "航发动力", "中国航发动力股份有限公司"),
        ("600522.SH", "中天科技", "江苏中天科技股份有限公司"),
        ("600236.SH", "桂冠电力", "广西桂冠电力股份有限公司"),
        ("000002.SZ", "万  科Ａ", "万科企业股份有限公司"),
        ("600074.SH", "*ST保千", None),
        ("000300.SH", "沪深300", None),
    ],
    columns=["symbol", "name", "full_name"],
)


@pytest.fixture(scope="session")
def themes_index(builtin_themes) -> NameIndex:
    """Names from the built-in themes only (what works offline with no cache)."""
    return build_index(builtin_themes)


@pytest.fixture(scope="session")
def full_index(builtin_themes) -> NameIndex:
    """Built-in themes plus a universe table with tricky names."""
    return build_index(builtin_themes, TRICKY_UNIVERSE)
