"""What `cleanup` knows about words: wordfreq's frequencies, behind the results cache.

wordfreq's Zipf frequency runs from 0 (unknown) to about 8 (`the`). Loading a language's list
costs a quarter of a second and tens of MB, so every answer is also kept in the persistent
results cache: a warm pre-commit run never loads wordfreq at all.

English uses wordfreq's large list (a fused word is told by rare words); the other languages,
which only confirm a foreign clause, use the small list (words of Zipf 3 and above), about
2 MB per language instead of about 38 MB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from cleanup.cache import ResultCache

WORDFREQ_KEY = "wordfreq 3 zipf, en large, others small"
MEMO_LIMIT = 200_000


class Lexicon:
    """Word frequencies for one worker; cheap to create, loads wordfreq on first need."""

    def __init__(self, cache: ResultCache | None = None):
        self.cache = cache
        self._zipf: dict[tuple[str, str], float] = {}

    def zipf(self, word: str, lang: str = "en") -> float:
        key = (word, lang)
        value = self._zipf.get(key)
        if value is not None:
            return value
        cached = self.cache.get(WORDFREQ_KEY, f"{lang}\0{word}") if self.cache is not None else None
        if cached is not None:
            value = float(cached)
        else:
            from wordfreq import zipf_frequency  # heavy: loaded on first use only

            value = zipf_frequency(word, lang, wordlist="large" if lang == "en" else "small")
            if self.cache is not None:
                self.cache.put(WORDFREQ_KEY, f"{lang}\0{word}", value)
        if len(self._zipf) >= MEMO_LIMIT:
            self._zipf.clear()
        self._zipf[key] = value
        return value

    def __getstate__(self) -> dict[str, Any]:
        return {"cache": self.cache}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["cache"])  # type: ignore[misc]
