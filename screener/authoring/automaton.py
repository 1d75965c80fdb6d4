"""Every occurrence of every key in one pass over a text: an Aho–Corasick automaton
(``pyahocorasick``, in C), so the work is linear in the text plus the matches, whatever
the keys. 10 MB of Chinese news scans in about 0.2 s against the built-in themes' names
(a pure-Python automaton took 0.9 s, the largest single step of drafting a page).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import ahocorasick


class Automaton:
    """Keys (non-empty strings) compiled for :meth:`find`."""

    def __init__(self, keys: Iterable[str]):
        self._ac = ahocorasick.Automaton()
        for key in keys:
            if key:
                self._ac.add_word(key, len(key))
        if len(self._ac):
            self._ac.make_automaton()

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of every occurrence of every key in ``text``, overlapping ones
        included, in order of ``end`` (longest first for one end)."""
        if not len(self._ac):
            return
        for last, length in self._ac.iter(text):
            yield last + 1 - length, last + 1
