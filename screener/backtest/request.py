"""What to backtest: a theme or a saved spec plus options, resolved to (theme, settings).

The one path from options to :class:`~screener.backtest.settings.BacktestSettings`,
shared by ``screener backtest`` and :func:`screener.backtest`. Option names are the
settings' field names, read from the model (so a field added there is an option here);
cost fields (``commission``, ``min_commission``, ``stamp_duty``, ``transfer_fee``) may
be given flat, and ``costs`` is ``True``/``False`` (on/off) or a mapping of cost fields.
``None`` means "not given": the spec's value, else the model's default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from screener.backtest.settings import BacktestSettings, Costs, load_spec, option_names, yaml_kind
from screener.backtest.specs import SpecRegistry
from screener.catalog import YAML_SUFFIXES, looks_like_path, origin_text
from screener.errors import Spell, UserError, cli_flag
from screener.i18n import _
from screener.theme.model import Theme
from screener.theme.registry import ThemeRegistry

SWEEP = "sweep"  # a spec's grid for `screener sweep`, among the options target() returns


def setting_names() -> list[str]:
    """Every option :func:`settings` accepts: the settings fields, then the flat cost fields."""
    return option_names()


def _cost_fields() -> list[str]:
    return [name for name in Costs.model_fields if name != "enabled"]


def settings(base: Mapping[str, Any], options: Mapping[str, Any], *, spell: Spell = cli_flag) -> BacktestSettings:
    """``base`` (a spec's options, or nothing) overridden by ``options``, validated.
    Raises :class:`UserError` naming the option at fault (spelled by ``spell``). A spec's
    ``sweep:`` grid is not a setting (``screener sweep`` reads it) and is left out."""
    values = {k: v for k, v in base.items() if k != SWEEP}
    costs = dict(values.get("costs") or {})
    fields, cost_fields = set(BacktestSettings.model_fields), set(_cost_fields())
    for name, value in options.items():
        if value is None:
            continue
        if name == "costs" and isinstance(value, bool):
            costs["enabled"] = value
        elif name == "costs" and isinstance(value, Mapping):
            costs.update(value)
        elif name == "costs":
            raise UserError(_(
                "{spell}: expected True, False or a mapping of cost fields, not {value!r}"
            ).format(spell=spell('costs'), value=value))
        elif name in cost_fields:
            costs[name] = value
        elif name in fields:
            values[name] = value
        else:
            known = ", ".join(spell(n) for n in setting_names())
            raise UserError(_(
                "unknown backtest option {name}; the options are: {known}"
            ).format(name=spell(name), known=known))
    values["costs"] = costs
    try:
        validated = BacktestSettings.model_validate(values)
    except ValidationError as err:
        raise UserError("; ".join(_problem(e, spell) for e in err.errors())) from None
    return validated


def _problem(error: Any, spell: Spell) -> str:
    from screener.theme.loader import error_message

    msg = error_message(error)
    names = [p for p in error["loc"] if isinstance(p, str) and p != "costs"]
    return f"{spell(names[0])}: {msg}" if names else msg


def target(
    name: str, themes_dirs: Iterable[Path] = (), specs_dirs: Iterable[Path] = ()
) -> tuple[Theme, dict[str, Any]]:
    """(theme, the spec's options or ``{}``) for a theme id, a spec id, a theme file or a
    spec file. A name that is both a theme and a spec id is the theme (with a warning)."""
    if looks_like_path(name):
        return _file_target(Path(name), themes_dirs, specs_dirs)
    themes = ThemeRegistry.default(themes_dirs)
    specs = SpecRegistry.default(specs_dirs)
    if name in themes.entries():
        if name in specs.entries():
            import warnings

            warnings.warn(
                _(
                    "{name!r} is both a theme and a backtest spec ({path}): running the theme; pass the "
                    "spec's path to run the spec"
                ).format(name=name, path=specs.entries()[name].path),
                stacklevel=2,
            )
        return themes.load(name), {}
    if name in specs.entries():
        return _spec_target(specs.entries()[name].path, themes_dirs)
    raise UserError(
        _(
            "unknown theme or spec {name!r}; known themes: {value}; known specs: {value2} (see `screener "
            "themes list` and `screener specs list`, or pass a path to a YAML file)"
        ).format(
            name=name,
            value=', '.join(sorted(themes.entries())) or _('none'),
            value2=', '.join(sorted(specs.entries())) or _('none'),
        )
    )


def _file_target(path: Path, themes_dirs: Iterable[Path], specs_dirs: Iterable[Path]) -> tuple[Theme, dict[str, Any]]:
    if path.is_dir():
        raise UserError(
            _(
                "{path} is a folder, not a theme or spec file: name a YAML file, or pass --themes-dir "
                "{path} or --specs-dir {path} and name an id"
            ).format(path=path)
        )
    if not path.exists():  # a FIFO or a device goes on, to be refused by the reader
        known = SpecRegistry.default(specs_dirs).entries().get(path.stem)
        if path.suffix in YAML_SUFFIXES and known is not None:
            raise UserError(_(
                "file {path} does not exist; {stem} is a {origin} backtest spec: name it by id ({stem}) "
                "instead of by path"
            ).format(path=path, stem=path.stem, origin=origin_text(known.origin)))
        raise UserError(_(
            "file {path} does not exist: pass a theme or spec file, or a theme or spec id"
        ).format(path=path))
    kind = yaml_kind(path) if path.suffix in YAML_SUFFIXES else "theme"
    if kind == "neither":
        raise UserError(
            _(
                "{path}: neither a backtest spec (theme: plus options) nor a theme file (id:, name:, "
                "members:); see README: Backtests"
            ).format(path=path)
        )
    if kind == "spec":
        return _spec_target(path, themes_dirs)
    return ThemeRegistry.default(themes_dirs).load(str(path)), {}


def _spec_target(path: Path, themes_dirs: Iterable[Path]) -> tuple[Theme, dict[str, Any]]:
    """A spec's theme (an id, or a path relative to the spec) and its options."""
    spec = load_spec(path)
    theme_ref = spec.theme
    ref_path = Path(theme_ref)
    if ref_path.suffix in YAML_SUFFIXES and not ref_path.is_absolute():
        theme_ref = str(path.parent / ref_path)
    theme = ThemeRegistry.default(themes_dirs).load(theme_ref)
    values = spec.model_dump(exclude={"theme", "description", "sweep"})  # validated as settings later
    if spec.sweep is not None:
        values[SWEEP] = spec.sweep
    return theme, values
