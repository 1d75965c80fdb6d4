"""What to study: a theme or a saved spec plus options, resolved to (theme, settings).

The one path from options to :class:`~screener.event.settings.EventSettings`, shared by
``screener event`` and :func:`screener.event`; the target is found as a backtest's
(:func:`screener.backtest.request.target`). A spec lends its theme, ``members`` and
``benchmark`` (and with ``on="limit-up"`` its ``start``/``end`` as the scan); options
given override it. ``None`` means "not given".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from screener.errors import Spell, UserError, cli_flag
from screener.event.settings import EventSettings
from screener.i18n import _

SPEC_FIELDS = ("members", "benchmark")  # what a backtest spec lends an event study
SCAN_FIELDS = ("start", "end")  # ... and, for --on limit-up, its window as the scan


def flag(name: str) -> str:
    """A settings field as the command line spells it: ``dates`` is ``--date``."""
    return "--date" if name == "dates" else cli_flag(name)


def settings(spec: Mapping[str, Any], options: Mapping[str, Any], *, spell: Spell = flag) -> EventSettings:
    """The spec's fields an event study uses, overridden by ``options``, validated; a
    :class:`UserError` names the option at fault (spelled by ``spell``)."""
    given = {k: v for k, v in options.items() if v is not None and v != () and v != []}
    unknown = [k for k in given if k not in EventSettings.model_fields]
    if unknown:
        known = ", ".join(spell(n) for n in EventSettings.model_fields)
        raise UserError(_(
            "unknown event option {unknown}; the options are: {known}"
        ).format(unknown=spell(unknown[0]), known=known))
    borrowed = SPEC_FIELDS + (SCAN_FIELDS if given.get("on") else ())
    values = {k: spec[k] for k in borrowed if spec.get(k) is not None}
    values.update(given)
    try:
        return EventSettings.model_validate(values)
    except ValidationError as err:
        raise UserError("; ".join(_problem(e, spell) for e in err.errors())) from None


def _problem(error: Any, spell: Spell) -> str:
    msg = str(error["msg"]).removeprefix("Value error, ")
    names = [p for p in error["loc"] if isinstance(p, str)]
    return f"{spell(names[0])}: {msg}" if names else msg
