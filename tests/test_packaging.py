"""A non-editable install (`pip install .` into a fresh venv) ships the built-in themes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_install_lists_builtin_themes(tmp_path):
    # Build from a copy of the tree so nothing is written into the checkout.
    src = tmp_path / "src"
    # (tool caches left out: tens of MB a build never reads, and rewritten by other tests meanwhile)
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".pytest_cache", "reports",
                                                             ".mypy_cache", ".ruff_cache", ".hypothesis"))
    env_dir = tmp_path / "venv"
    py = _venv_seeing_this_interpreter(env_dir)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-build-isolation", str(src)],
        check=True,
        capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENER_")}
    where = subprocess.run(
        [str(py), "-c", ("import pathlib, screener, screener.theme as t; print(screener.__file__); "
                         "print(t.builtin_themes_dir()); print((pathlib.Path(screener.__file__).parent / 'py.typed').is_file())")],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    ).stdout.splitlines()
    assert where[0].startswith(str(env_dir)), where
    assert where[1].startswith(str(env_dir)) and where[1].endswith("_themes"), where
    assert where[2] == "True", where  # the py.typed marker ships
    out = subprocess.run(
        [str(env_dir / "bin" / "screener"), "themes", "list", "--json"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    ).stdout
    rows = {r["id"]: r for r in json.loads(out)}
    zh = subprocess.run(  # the compiled Chinese catalog is in the wheel
        [str(env_dir / "bin" / "screener"), "themes", "list", "--lang", "zh"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    ).stdout
    assert "编号" in zh and "定义于" in zh
    assert {"fiber", "green-power", "hydrogen-low-altitude", "ai-content"} <= set(rows)
    assert all(r["error"] is None for r in rows.values())
    # the backtest specs travel too, named by id from any folder (README: Backtests)
    out = subprocess.run(
        [str(env_dir / "bin" / "screener"), "specs", "list", "--format", "json"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    ).stdout
    specs = {r["id"]: r for r in json.loads(out)}
    assert {"fiber-ytd-2026", "fiber-named-monthly-2025", "green-power-2026-05-11"} <= set(specs)
    assert all(r["error"] is None and r["origin"] == "built-in" for r in specs.values())
    assert all(r["path"].startswith(str(env_dir)) and "/screener/_specs/" in r["path"] for r in specs.values())
    out = subprocess.run(
        [str(env_dir / "bin" / "screener"), "backtest", "fiber-ytd-2026", "--demo", "--format", "json"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env,
    ).stdout
    assert (json.loads(out)["start"], json.loads(out)["end"]) == ("2026-01-01", "2026-05-11")


def _venv_seeing_this_interpreter(env_dir: Path) -> Path:
    """A fresh venv whose dependencies (hatchling, pandas, ...) come from the interpreter
    running pytest, without a network install: a ``.pth`` file puts this interpreter's
    site-packages after the venv's own, so the package installed into the venv wins.
    (``system_site_packages`` would expose the *base* interpreter instead, which inside
    a virtualenv lacks them.) Returns the venv's python."""
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(site) / "_running_interpreter.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return py
