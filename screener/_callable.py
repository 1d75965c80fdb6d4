"""Packages that are also API functions: ``screener.backtest`` is both the package of the
backtest engine and the function that runs one (likewise ``screener.screen``).

Python sets ``screener.backtest`` to the subpackage whenever one of its modules is
imported, so the function cannot simply be an attribute of ``screener``. Instead the
package module itself becomes callable: calling it calls the function in
:mod:`screener.api` of the same name, and ``inspect.signature`` shows that function's
signature. Imports, ``monkeypatch`` paths and ``import screener.backtest.run as run``
keep working because the package stays a real module.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import inspect


class CallablePackage(ModuleType):
    """A package module whose call is ``screener.api.<last name of the package>``."""

    def _function(self) -> Any:
        from screener import api

        return getattr(api, self.__name__.rsplit(".", 1)[-1])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._function()(*args, **kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        import inspect

        return inspect.signature(self._function())


def make_callable(name: str) -> None:
    """Make the package ``name`` (pass ``__name__``) callable as its API function."""
    sys.modules[name].__class__ = CallablePackage
