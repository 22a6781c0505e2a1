"""One registry class for every extension point (rule kinds and detectors, grammar backends,
stages, executors): entries by name, each carrying its own documentation, and a lookup that
fails loudly with the closest valid name, as ruff does for an unknown rule code."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


def closest(name: str, choices: list[str]) -> str:
    """`; did you mean X?` for the closest choice, or an empty string."""
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean `{match[0]}`?" if match else ""


class UnknownName(KeyError):
    """An unknown entry; the message lists what is known and suggests the closest."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class Registry(Generic[T]):
    def __init__(self, what: str):
        self.what = what  # "rule kind", "grammar backend"…: used in messages
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            known = sorted(self._entries)
            raise UnknownName(
                f"unknown {self.what} {name!r}{closest(name, known)} (known: {', '.join(known)})"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def names(self) -> list[str]:
        return list(self._entries)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())
