"""JSON Schemas of theme and backtest spec files, for editors (completion, inline checks).

The schemas are generated from the pydantic models that validate the files, then widened
where the YAML loaders accept a shorthand the models' own schema does not show: a
benchmark written as a bare symbol, codes written as unquoted numbers (``600522``), and a
flat stamp duty rate. Every shipped theme and spec validates against them (tested).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_CODE = {"anyOf": [{"type": "string"}, {"type": "integer"}], "description": "an A-share code, e.g. 600522.SH"}
_NULL = {"type": "null"}


def theme_schema() -> dict[str, Any]:
    """The schema of a theme file (``themes/*.yaml``)."""
    from screener.theme.model import Theme

    schema = _base(Theme, "screener theme", "A basket of listed firms from a story, its sources, benchmark and claims.")
    defs = schema["$defs"]
    defs["Member"]["properties"]["symbol"] = _CODE
    defs["DayMoveClaim"]["properties"]["symbols"]["items"] = _CODE
    defs["PeriodReturnClaim"]["properties"]["proxy"] = {
        "anyOf": [{"const": "basket"}, _CODE], "default": "basket",
        "description": "an index symbol that stands for the quoted one, or basket",
    }
    bench = defs.pop("Benchmark")
    defs["Benchmark"] = {
        "anyOf": [_CODE, bench],
        "description": "an index symbol (000300.SH), or {symbol: ...} or {board: BK0715, source: em}",
    }
    return schema


def spec_schema() -> dict[str, Any]:
    """The schema of a backtest spec file (``backtests/*.yaml``)."""
    from screener.backtest.settings import BacktestSpec

    schema = _base(BacktestSpec, "screener backtest spec", "A saved backtest: a theme (id or path) plus options.")
    schema["properties"]["benchmark"] = {"anyOf": [_CODE, _NULL], "default": None,
                                         "description": "an index symbol, or a board code BKxxxx"}
    duty = schema["$defs"]["Costs"]["properties"]["stamp_duty"]
    schema["$defs"]["Costs"]["properties"]["stamp_duty"] = {
        "anyOf": [{"type": "number", "minimum": 0, "exclusiveMaximum": 0.1}, duty],
        "description": "one sell-side rate for every date, or dated rates [{since: 2023-08-28, rate: 0.0005}]",
    }
    return schema


SCHEMAS = {"theme": theme_schema, "spec": spec_schema}


def _base(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    return {"$schema": DIALECT, **schema, "title": title, "description": description}
