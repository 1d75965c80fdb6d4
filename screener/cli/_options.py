"""Options shared by several commands."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from screener.errors import cli_flag
from screener.i18n import _
from screener.theme.registry import ThemeRegistry

F = Callable[..., Any]


class _Date(click.DateTime):
    """A YYYY-MM-DD option value, passed to the command as a ``datetime.date``; dates
    before the exchange opened (1990-12-19) or over a year after today are refused."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from screener.clock import range_problem

        if not (isinstance(value, date) and not isinstance(value, datetime)):
            try:
                value = super().convert(value, param, ctx).date()
            except click.BadParameter:
                self.fail(_("{value!r} is not a date: write YYYY-MM-DD, e.g. 2026-05-11").format(value=value), param, ctx)
        problem = range_problem(value)
        if problem:
            self.fail(problem, param, ctx)
        return value


DATE = _Date(["%Y-%m-%d"])


class FiniteFloat(click.FloatRange):
    """A float option that must be finite (``inf`` and ``nan`` are refused)."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(_("{value!r} must be a finite number").format(value=value), param, ctx)
        return super().convert(number, param, ctx)


def _folders_option(flag: str, dest: str, what: str, env: str) -> Callable[[F], F]:
    """A repeatable folder option searched before the user's and the built-in files."""
    return click.option(
        flag, dest, multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=f"Extra folder of {what} YAML files, searched first (repeatable; also ${env}).",
    )


themes_dir_option = _folders_option("--themes-dir", "themes_dirs", "theme", "SCREENER_THEMES_PATH")
specs_dir_option = _folders_option("--specs-dir", "specs_dirs", "backtest spec", "SCREENER_SPECS_PATH")


def registry(themes_dirs: tuple[Path, ...]) -> ThemeRegistry:
    return ThemeRegistry.default(themes_dirs)


def data_options(f: F) -> F:
    """``--demo --data-dir --offline --cache-dir --proxy --provider``, passed to the
    command as one ``data: DataOptions`` argument."""
    options = [
        click.option("--demo", is_flag=True, help="Use the built-in synthetic demo data (labelled DEMO)."),
        click.option(
            "--data-dir",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="Read bars from DIR/<SYMBOL>.csv or .parquet instead of fetching.",
        ),
        click.option("--offline", is_flag=True, help="Use only the local cache; never touch the network."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            envvar="SCREENER_CACHE_DIR",
            help="Cache folder (default: the user cache dir; env SCREENER_CACHE_DIR).",
        ),
        click.option("--proxy", envvar="SCREENER_PROXY", help="HTTP(S) proxy for live fetches (env SCREENER_PROXY)."),
        click.option("--provider", help="Data provider plugin to use instead of akshare."),
    ]

    @functools.wraps(f)
    def wrapper(**kwargs: Any) -> Any:
        from screener.data.model import DataOptions

        _note_ignored(kwargs)
        data = DataOptions(
            demo=kwargs.pop("demo"),
            data_dir=kwargs.pop("data_dir"),
            offline=kwargs.pop("offline"),
            cache_dir=kwargs.pop("cache_dir"),
            proxy=kwargs.pop("proxy"),
            provider=kwargs.pop("provider"),
        )
        return f(data=data, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def format_option(*choices: str, help: str) -> Callable[[F], F]:
    """``--format`` (``choices``, the first is the default), passed as ``fmt``; the old
    ``--json`` flag stays as a hidden alias of ``--format json``."""

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def wrapper(**kwargs: Any) -> Any:
            if kwargs.pop("as_json"):
                kwargs["fmt"] = "json"
            return f(**kwargs)

        wrapper = click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --format json.")(wrapper)
        return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0],
                            show_default=True, help=help)(wrapper)

    return decorate


class _Language(click.ParamType):
    """``zh`` or ``en`` (a locale name such as ``zh_CN.UTF-8`` also works)."""

    name = "zh|en"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from screener.i18n import LanguageError, normalize

        try:
            return normalize(str(value))
        except LanguageError as exc:
            self.fail(str(exc), param, ctx)


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Use an explicit ``--lang`` (``screener --lang en backtest`` or ``backtest --lang en``).
    Without one, screener.i18n reads $SCREENER_LANG itself (a bad value there is a warning,
    and an explicit ``--lang`` wins over it). (The option has no envvar: a sub-command's
    would re-apply the variable over a root ``--lang``, and click versions differ on when
    they record its source.)"""
    from screener.i18n import set_language

    if value is not None:
        set_language(value)


def lang_option() -> click.Option:
    """``--lang zh|en`` (env ``SCREENER_LANG``): the language of tables, reports and
    messages; applied as soon as it is parsed. The root group gives it to every command."""
    return click.Option(
        ["--lang"], type=_Language(), expose_value=False, is_eager=True, callback=_set_language,
        help="Language of tables and reports: zh or en (default: $SCREENER_LANG, else zh under a "
        "Chinese locale, else en).",
    )


def with_lang(command: click.Command) -> click.Command:
    """``command`` (and, for a group, every command in it) with a ``--lang`` option."""
    if not any(p.name == "lang" for p in command.params):
        command.params.append(lang_option())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_lang(sub)
    return command


def _note_ignored(options: dict[str, Any]) -> None:
    """Say which options given on the command line ``--demo`` makes pointless (the demo
    data is built in: no cache, no network)."""
    ctx = click.get_current_context(silent=True)
    if not options.get("demo") or ctx is None:
        return
    given = [cli_flag(name) for name in ("cache_dir", "offline", "proxy")
             if options.get(name) and ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE]
    if given:
        click.echo(_("note: {given} ignored: --demo uses the built-in synthetic data").format(given=', '.join(given)), err=True)
