"""Jinja2 templates for the HTML and Markdown reports.

The built-in templates live in ``screener/report/templates``. ``--template DIR`` puts a
folder of your own first: a ``report.html.j2`` or ``report.md.j2`` there replaces the
built-in one, and can extend it (``{% extends "builtin/report.html.j2" %}``) to change
only some blocks. Templates get the report's words already translated and its numbers
already formatted, plus ``_``/``ngettext`` for text of their own. HTML is autoescaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screener.fmt import DASH
from screener.i18n import _, language, ngettext
from screener.report.view import ReportError

BUILTIN = Path(__file__).resolve().parent / "templates"
_MD_ESCAPES = {ch: "\\" + ch for ch in "\\`*_[]|#"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md_cell(value: Any) -> str:
    """Text on one line with Markdown and HTML markup neutralised (a renderer that allows
    raw HTML must not run what a result file carries)."""
    text = " ".join(str(value).split())
    return "".join(_MD_ESCAPES.get(ch, ch) for ch in text) or DASH


def tone_class(value: Any) -> str:
    """``up`` / ``down`` for a figure that knows its sign (:class:`screener.fmt.Shown`), else ""."""
    return getattr(value, "tone", None) or ""


def _environment(template_dir: Path | None, html: bool) -> Any:
    import jinja2

    builtin = jinja2.FileSystemLoader(BUILTIN)
    loaders: list[Any] = [jinja2.FileSystemLoader(template_dir)] if template_dir is not None else []
    loaders += [builtin, jinja2.PrefixLoader({"builtin": builtin})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(_=_, ngettext=ngettext, lang=language())
    env.filters["md"] = md_cell
    env.filters["tone"] = tone_class
    return env


def render(name: str, template_dir: Path | None, **context: Any) -> str:
    """Template ``name`` (``report.html.j2``, ``report.md.j2``) rendered with ``context``;
    a broken user template is a :class:`ReportError` naming its file and line."""
    import jinja2

    env = _environment(template_dir, html=name.endswith(".html.j2"))
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ReportError(_(
            "{value}:{lineno}: template error: {message}"
        ).format(value=exc.filename or exc.name, lineno=exc.lineno, message=exc.message)) from None
    except jinja2.TemplateError as exc:
        raise ReportError(_(
            "template {name} failed: {where}{error}; fix the template in --template"
        ).format(name=name, where=_where(exc), error=exc)) from None


def _where(exc: Exception) -> str:
    """``file:line: `` of the innermost template frame of ``exc``'s traceback."""
    tb, where = exc.__traceback__, ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where

