"""Translations: ``_()``, ``ngettext()`` and the language in use.

English is the source language (the message ids); Chinese comes from the gettext
catalog ``screener/locale/zh/LC_MESSAGES/screener.mo``, compiled from ``screener.po``
beside it and committed with it (README "Translations" says how to update both). Only
the standard library's :mod:`gettext` runs here, so importing this module costs nothing.

The language is, in order: :func:`set_language` (the CLI's ``--lang``), then
``$SCREENER_LANG``, then ``zh`` when the locale is Chinese, else ``en``. A
``$SCREENER_LANG`` that is neither is ignored with a warning (the CLI shows it as one
``warning:`` line), so a stray value in a shell profile cannot stop every command.

Write user-facing text as whole sentences with named fields, so a translation can
reorder them::

    _("wrote {n} report files").format(n=3)
    ngettext("{n} session", "{n} sessions", n).format(n=n)

Text defined at import time (tables of labels) is marked with :func:`N_` and
translated where it is shown: ``_(LABELS[key])``.
"""

from __future__ import annotations

import functools
import gettext
import locale
import os
import warnings
from pathlib import Path

LANGUAGES = ("zh", "en")
DOMAIN = "screener"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV = "SCREENER_LANG"

_chosen: str | None = None


class LanguageError(ValueError):
    """A language name that is neither Chinese nor English."""


def _code(name: str) -> str | None:
    """``zh``, ``zh_CN.UTF-8``, ``zh-Hans``, ``ZH`` → ``zh``; ``en``, ``en_US`` → ``en``;
    anything else → None. (It translates nothing, so :func:`language` can use it.)"""
    code = name.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else None


def normalize(name: str) -> str:
    """``name`` as ``zh`` or ``en`` (see :func:`_code`); :class:`LanguageError` otherwise."""
    code = _code(name)
    if code is None:
        raise LanguageError(_("unknown language {name!r}: use zh or en").format(name=name))
    return code


def _locale_language() -> str:
    """``zh`` when the user's locale is Chinese (POSIX variables in gettext's order,
    then the platform's locale), else ``en``."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:
        name = ""
    return "zh" if name.lower().startswith(("zh", "chinese")) else "en"


def language() -> str:
    """The language in use: ``zh`` or ``en``."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV)
    code = _code(env) if env else None
    if code is not None:
        return code
    fallback = _locale_language()
    if env:
        _warn_bad_env(env, fallback)
    return fallback


def _warn_bad_env(value: str, fallback: str) -> None:
    """Warn that ``$SCREENER_LANG=value`` is ignored, in the ``fallback`` language (not
    through :func:`_`, which would ask :func:`language` again)."""
    message = translations(fallback).gettext(N_("ignoring ${var}={value!r}: set it to zh or en"))
    warnings.warn(message.format(var=ENV, value=value), UserWarning, stacklevel=3)


def set_language(name: str | None) -> None:
    """Use ``name`` (``zh``/``en`` or a locale name) from now on; None: back to the default."""
    global _chosen
    _chosen = None if name is None else normalize(name)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (English: the message ids themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _(message: str) -> str:
    """``message`` in the language in use."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language in use."""
    return translations(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the language in use, where ``context`` tells apart two meanings of
    one English word."""
    return translations(language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it (text defined at import
    time); translate it with ``_()`` where it is shown."""
    return message
