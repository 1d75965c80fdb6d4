"""ComparisonResult's pandas views read the command's document, nothing else."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

import screener
from screener.report import ReportError

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def result() -> screener.ComparisonResult:
    return screener.sweep("fiber", {"rebalance": ["none", "monthly"], "fill": ["open", "close"]}, end="2026-05-11",
                          top=3, workers=0, demo=True)


def test_cells_summary_and_curves_are_the_documents(result: screener.ComparisonResult) -> None:
    doc = result.to_dict()
    cells = result.cells
    assert list(cells.index) == [1, 2, 3, 4]  # every cell, though top=3
    for c in doc["cells"]:
        row = cells.loc[c["rank"]]
        assert (row["rebalance"], row["fill"]) == (c["params"]["rebalance"], c["params"]["fill"])
        assert row["total_return"] == c["basket"]["total_return"]
        assert row["excess_return"] == c["benchmark"]["excess_return"]
        assert row["benchmark_return"] == c["benchmark"]["total_return"]
    assert result.summary.loc["sharpe"].to_dict() == doc["summary"]["sharpe"]
    assert list(result.curves.columns) == [1, 2, 3]  # the first three ranked
    assert result.curves[1].iloc[0] == 1.0 and len(result.curves) == doc["cells"][0]["window"]["sessions"] + 1


def test_plot_overlays_the_curves_with_their_grid_values(result: screener.ComparisonResult) -> None:
    ax = result.plot()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    first = result.to_dict()["cells"][0]["params"]
    assert len(labels) == 3 and labels[0] == f"#1 rebalance={first['rebalance']}, fill={first['fill']}"



def test_export_errors_name_the_keywords(result: screener.ComparisonResult, tmp_path: Path) -> None:
    (saved,) = result.export(["json"], tmp_path)
    with pytest.raises(ReportError) as caught:
        result.export("json", tmp_path)
    assert str(caught.value) == (  # the API's keywords, not the command's --force / --out
        f"1 report file(s) already exist in {tmp_path} ({saved.name}): pass force=True to overwrite them or "
        "choose another out"
    )
    with pytest.raises(ReportError) as caught:
        result.export("json", saved)
    assert str(caught.value) == f"out {saved} is a file, not a folder: pass a folder for the reports"

def test_compare_takes_loaded_themes_beside_ids() -> None:
    theme = screener.load_theme("fiber")
    with pytest.warns(UserWarning, match="different benchmarks: each cell's excess return is over its own"):
        mixed = screener.compare([theme, "green-power"], end="2026-05-11", workers=0, demo=True)
    with pytest.warns(UserWarning, match="different benchmarks"):  # the command's note, as a warning
        by_id = screener.compare(["fiber", "green-power"], end="2026-05-11", workers=0, demo=True)
    assert mixed.to_dict()["cells"] == by_id.to_dict()["cells"]
