"""Keep the translation catalogs in step with the source (needs Babel: ``pip install -e ".[test]"``).

    python tools/catalog.py update     # add new messages to screener.po, mark stale ones obsolete
    python tools/catalog.py compile    # screener.po -> screener.mo (commit both)
    python tools/catalog.py check      # exit 1 listing what is missing, untranslated or not compiled

Messages are the strings in ``_()``, ``ngettext()``, ``pgettext()`` and ``N_()`` calls in
``screener/**.py`` and in the report templates (``screener/report/templates/*.j2``).
The ``.mo`` is compiled reproducibly (no timestamps) so that ``check`` can compare it
byte for byte; the test suite runs the same checks (tests/test_i18n.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "screener"
LOCALE = PACKAGE / "locale"
METHODS = [("**.py", "python"), ("report/templates/**.j2", "jinja2")]
LANGUAGES = ("zh",)


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "screener.po"


def extract() -> object:
    """Every message of the source as a Babel catalog (locations are package-relative)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    catalog = Catalog(project="screener", charset="utf-8")
    keywords = dict(DEFAULT_KEYWORDS)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), METHODS, keywords=keywords, options_map={"report/templates/**.j2": {"trimmed": "false"}},
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(lang: str) -> object:
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def write_po(lang: str, catalog: object) -> None:
    from babel.messages.pofile import write_po as _write

    buf = io.BytesIO()
    _write(buf, catalog, width=100, sort_output=False, omit_header=False, include_lineno=False)
    po_path(lang).parent.mkdir(parents=True, exist_ok=True)
    po_path(lang).write_bytes(buf.getvalue())


def compiled(catalog: object) -> bytes:
    """The .mo bytes of ``catalog`` (fuzzy entries left out, as gettext does)."""
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def problems(lang: str) -> list[str]:
    """What is wrong with ``lang``'s catalog: messages the source uses that it lacks or
    leaves untranslated (or fuzzy), and a .mo out of step with the .po."""
    source, po = extract(), read(lang)
    out = []
    for message in source:
        if not message.id:
            continue
        have = po.get(message.id, context=message.context)
        if have is None:
            out.append(f"missing: {message.id!r}")
        elif have.fuzzy or not (all(have.string) if isinstance(have.string, tuple) else have.string):
            out.append(f"untranslated: {message.id!r}")
    mo = po_path(lang).with_suffix(".mo")
    if not mo.is_file() or mo.read_bytes() != compiled(po):
        out.append(f"{mo.name} is not compiled from {po_path(lang).name}: run `python tools/catalog.py compile`")
    return out


def update() -> None:
    source = extract()
    for lang in LANGUAGES:
        po = read(lang)
        created = po.creation_date
        po.update(source, no_fuzzy_matching=True, update_header_comment=False)
        po.creation_date = created  # the header changes only when a translator edits it
        write_po(lang, po)
        untranslated = [m.id for m in po if m.id and not m.string]
        print(f"{po_path(lang).relative_to(REPO)}: {len(po)} messages, {len(untranslated)} to translate")


def compile_all() -> None:
    for lang in LANGUAGES:
        mo = po_path(lang).with_suffix(".mo")
        mo.write_bytes(compiled(read(lang)))
        print(mo.relative_to(REPO))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = [f"{lang}: {p}" for lang in LANGUAGES for p in problems(lang)]
        print("\n".join(found) or "catalogs complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
