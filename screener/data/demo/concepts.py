"""Thirty synthetic concept boards over the demo stocks: codes ``BK9101``–``BK9130``,
names marked 演示 ("demo"), never real eastmoney boards.

Each board has a home sector (a built-in theme): about three quarters of its members
come from that sector and the rest from the other demo stocks, drawn from the board's
own seeded stream. Boards of one sector therefore move together and a scan over the
boards ranks sectors, as a real concept-board scan does.
"""

from __future__ import annotations

from collections.abc import Mapping

from screener.data.demo.catalog import DemoBoard, DemoEntry
from screener.data.demo.streams import stream
from screener.symbols import parse_symbol

# (code, name, home sector); names avoid the built-in themes' own names, so that a board
# looked up by name (`themes import-board 光纤 --demo`) stays unambiguous
CONCEPTS: tuple[tuple[str, str, str], ...] = (
    ("BK9101", "演示·网络游戏", "ai-content"),
    ("BK9102", "演示·影视院线", "ai-content"),
    ("BK9103", "演示·动漫IP", "ai-content"),
    ("BK9104", "演示·AIGC应用", "ai-content"),
    ("BK9105", "演示·短剧互动", "ai-content"),
    ("BK9106", "演示·数字内容", "ai-content"),
    ("BK9107", "演示·多模态大模型", "ai-content"),
    ("BK9108", "演示·云游戏", "ai-content"),
    ("BK9109", "演示·光通信", "fiber"),
    ("BK9110", "演示·海缆电缆", "fiber"),
    ("BK9111", "演示·通信设备", "fiber"),
    ("BK9112", "演示·东数西算", "fiber"),
    ("BK9113", "演示·5G应用", "fiber"),
    ("BK9114", "演示·光棒预制", "fiber"),
    ("BK9115", "演示·水力发电", "green-power"),
    ("BK9116", "演示·风电运营", "green-power"),
    ("BK9117", "演示·光伏电站", "green-power"),
    ("BK9118", "演示·核电概念", "green-power"),
    ("BK9119", "演示·智能电网", "green-power"),
    ("BK9120", "演示·央企电力", "green-power"),
    ("BK9121", "演示·碳中和", "green-power"),
    ("BK9122", "演示·虚拟电厂", "green-power"),
    ("BK9123", "演示·燃料电池", "hydrogen-low-altitude"),
    ("BK9124", "演示·制氢储氢", "hydrogen-low-altitude"),
    ("BK9125", "演示·飞行汽车", "hydrogen-low-altitude"),
    ("BK9126", "演示·无人机", "hydrogen-low-altitude"),
    ("BK9127", "演示·航空发动机", "hydrogen-low-altitude"),
    ("BK9128", "演示·通用航空", "hydrogen-low-altitude"),
    ("BK9129", "演示·军工央企", "hydrogen-low-altitude"),
    ("BK9130", "演示·高端装备", "hydrogen-low-altitude"),
)
HOME_SHARE = 0.75  # members drawn from the home sector
SIZES = (5, 10)  # members per board: from 5 up to 9


def concept_boards(entries: Mapping[str, DemoEntry]) -> list[DemoBoard]:
    """The concept boards whose home sector has stocks among ``entries``."""
    by_sector: dict[str, list[str]] = {}
    for e in entries.values():
        if e.sector is not None and not parse_symbol(e.symbol).is_index:
            by_sector.setdefault(e.sector, []).append(e.symbol)
    stocks = sorted(s for members in by_sector.values() for s in members)
    boards = []
    for code, name, home in CONCEPTS:
        if home not in by_sector:
            continue
        picked = _members(code, by_sector[home], [s for s in stocks if s not in by_sector[home]])
        boards.append(DemoBoard(code, name, home, tuple((s, entries[s].name) for s in picked), kind="concept"))
    return boards


def _members(code: str, home: list[str], others: list[str]) -> list[str]:
    rng = stream(f"board:{code}")
    size = int(rng.integers(*SIZES))
    n_home = min(len(home), round(size * HOME_SHARE))
    n_other = min(len(others), size - n_home)
    inside = rng.choice(home, n_home, replace=False)
    outside = rng.choice(others, n_other, replace=False) if n_other else []
    return sorted(str(s) for s in inside) + sorted(str(s) for s in outside)
