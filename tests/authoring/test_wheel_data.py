"""The authoring data files ship in the wheel (they live inside the package)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

REPO = Path(__file__).resolve().parents[2]


def test_wheel_contains_authoring_data(tmp_path):
    (wheel,) = WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"screener/authoring/data/unlisted_groups.yaml", "screener/authoring/data/names.yaml"} <= names
