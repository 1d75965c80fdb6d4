"""The root click group: user errors become one line on stderr and exit status 2; the
process around it (:func:`run`): output streams that cannot fail on an encoding, a full
or closed stdout as one line and exit 1, Ctrl-C as exit 130 without a traceback."""

from __future__ import annotations

import errno
import importlib
import os
import re
import string
import sys
import warnings
from typing import Any, NoReturn

import click

from screener._main import INTERRUPTED, TERMINATED, Terminated, interrupted
from screener.errors import UserError
from screener.i18n import N_, _, ngettext


def _debug_requested(args: list[str]) -> bool:
    return "--debug" in args


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use from
    ``commands_spec`` (name -> "module:attribute")."""

    def __init__(self, *args: Any, commands_spec: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.commands_spec = dict(commands_spec or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.commands_spec))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands_spec and cmd_name not in self.commands:
            from screener.cli._options import with_lang

            module, attr = self.commands_spec[cmd_name].split(":")
            self.add_command(with_lang(getattr(importlib.import_module(module), attr)), cmd_name)
        return super().get_command(ctx, cmd_name)


class _WarningPrinter:
    """Shows each distinct warning once, as ``warning: <message>`` on stderr (e.g. a
    broken plugin that was skipped), instead of Python's file:line format. numpy's
    floating-point notices ("invalid value encountered in cast") are not shown: they
    name no file or value, and the data checks report the values behind them."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, message: Warning | str, category: type[Warning] | None = None, *args: Any, **kwargs: Any) -> None:
        text = str(message)
        if category is RuntimeWarning and " encountered in " in text:
            return
        if text not in self.seen:
            self.seen.add(text)
            click.echo(_("warning: {text}").format(text=text), err=True)


# click's own English for the commonest bad values, as patterns (fields stand for the text
# click wrote there, quotes included); matched in order, so the specific ones come first
_CLICK_DETAILS = (
    N_("{value} is not one of {choices}."),
    N_("{value} is not a valid integer."),
    N_("{value} is not a valid float."),
    N_("{value} is not a valid boolean."),
    N_("{value} is not in the range {range}."),
    N_("File {path} does not exist."),
    N_("Directory {path} does not exist."),
    N_("Path {path} does not exist."),
    N_("File {path} is a directory."),
    N_("Directory {path} is a file."),
    N_("{kind} {path} is not readable."),
    N_("{value} is not {choice}."),
)
_NO_SUCH = (  # (exception class, attribute with the name, click's message)
    (click.NoSuchOption, "option_name", N_("No such option {name!r}.")),
    (getattr(click.exceptions, "NoSuchCommand", None), "command_name", N_("No such command {name!r}.")),
)


def _click_detail(message: str) -> str:
    """What a click parameter type said of a bad value, translated when it is one of
    :data:`_CLICK_DETAILS` (else as click wrote it)."""
    for template in _CLICK_DETAILS:
        fields = [f for _text, f, _spec, _conv in string.Formatter().parse(template) if f]
        pattern = re.escape(template)
        for f in fields:
            pattern = pattern.replace(re.escape("{" + f + "}"), f"(?P<{f}>.+?)", 1)
        m = re.fullmatch(pattern, message)
        if m:
            return _(template).format(**m.groupdict())
    return message


def _usage_message(exc: click.UsageError) -> str:
    """click's message for a usage error in the language in use: its frame ("Invalid value
    for '--start'", "No such option", "Missing argument") and the commonest details; the
    msgids are click's own English, so English output is click's, word for word."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        hint = exc.param_hint if exc.param_hint is not None else (
            exc.param.get_error_hint(exc.ctx) if exc.param is not None else None)
        detail = _click_detail(exc.message)
        if hint is None:
            return _("Invalid value: {message}").format(message=detail)
        if not isinstance(hint, str):
            hint = " / ".join(repr(x) for x in hint)
        return _("Invalid value for {param_hint}: {message}").format(param_hint=hint, message=detail)
    for kind, attribute, template in _NO_SUCH:
        if kind is not None and isinstance(exc, kind) and exc.message == template.format(name=getattr(exc, attribute)):
            text = _(template).format(name=getattr(exc, attribute))
            if exc.possibilities:
                shown = ", ".join(repr(p) for p in sorted(exc.possibilities))
                suggestion = ngettext(
                    "Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", len(exc.possibilities)
                ).format(possibility=shown, possibilities=shown)
                text = _("{message} {suggestion}").format(message=text, suggestion=suggestion)
            return text
    text = exc.format_message()
    for start in (N_("Missing argument"), N_("Missing option")):
        if isinstance(exc, click.MissingParameter) and text.startswith(start):
            return _(start) + text[len(start):]
    return text


class ScreenerGroup(LazyGroup):
    """The root group: turns :class:`UserError` into ``error: ...`` and exit 2
    (the traceback only with ``--debug``)."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """As click's, but a usage error (a bad option value, a missing argument) is one
        ``error: ...`` line naming the help to read, like every other user error, and a
        warning (from parsing too, e.g. a bad $SCREENER_LANG) one ``warning: ...`` line."""
        with warnings.catch_warnings():
            warnings.showwarning = _WarningPrinter()
            return self._main(*args, standalone_mode=standalone_mode, **kwargs)

    def _main(self, *args: Any, standalone_mode: bool, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help())  # a bare group shows its help, as `--help` does
            sys.exit(0)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "screener"
            message = " ".join(_usage_message(exc).split())
            click.echo(_("error: {message} (see `{where} --help`)").format(message=message, where=where), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(_("error: {message}").format(message=" ".join(exc.format_message().split())), err=True)
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C (and SIGTERM) into Abort
                raise exc.__cause__ from None
            click.echo(_("aborted"), err=True)
            sys.exit(1)
        # an explicit ctx.exit(code) comes back as its code; commands return nothing
        sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if (ctx.obj or {}).get("debug") or _debug_requested(sys.argv):
                raise
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(_("error: {line}").format(line=line), err=True)
            ctx.exit(exc.exit_code)
        except Terminated:
            ctx.exit(TERMINATED)
        except KeyboardInterrupt:
            click.echo(_("interrupted"), err=True)
            ctx.exit(INTERRUPTED)


# errors writing the output: a closed pipe, a full disk, a device error
OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})


def configure_streams() -> None:
    """Let stdout and stderr write any text: a character the encoding lacks (Chinese names
    under latin-1, cp1252 or a C locale) is written as a ``\\uXXXX`` escape instead of
    raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush of what is left
    in its buffer cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def run(group: click.Group, **kwargs: Any) -> NoReturn:
    """Run ``group`` as the program: exit with its status; a full or broken stdout is
    one ``error:`` line (none for a closed pipe) and exit 1; Ctrl-C exits 130."""
    configure_streams()
    try:
        try:
            group.main(**kwargs)
        finally:
            sys.stdout.flush()
    except KeyboardInterrupt as exc:
        interrupted(type(exc))
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRNOS:
            raise
        _silence_stdout()
        if exc.errno != errno.EPIPE:
            click.echo(_("error: cannot write the output: {value}").format(value=exc.strerror or exc), err=True)
        sys.exit(1)
    sys.exit(0)  # pragma: no cover (group.main always exits)
