"""What `cleanup` knows about words: wordfreq's frequencies, behind the results cache.

wordfreq's Zipf frequency runs from 0 (unknown) to about 8 (`the`). Loading a language's list
costs a quarter of a second and tens of MB, so every answer is also kept in the persistent
results cache: a warm pre-commit run never loads wordfreq at all.

English uses wordfreq's large list (a fused word is told by rare words); the other languages,
which only confirm a foreign clause, use the small list (words of Zipf 3 and above), about
2 MB per language instead of about 38 MB. English answers for plain words come from
memory-mapped tables built from that list (cleanup/wordtable.py), so a worker does not hold
the list at all; the tables are shared by every process on the machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from cleanup.cache import ResultCache
    from cleanup.wordtable import WordTables

WORDFREQ_KEY = "wordfreq 3 zipf, en large, others small"
ENDINGS_KEY = "wordfreq 3 endings: share of en large words (4+ ascii letters) ending so"
MEMO_LIMIT = 200_000
ENDING_LENGTHS = (2, 3, 4, 5)


class Lexicon:
    """Word frequencies for one worker; cheap to create, loads wordfreq on first need."""

    def __init__(self, cache: ResultCache | None = None, table_dir: Path | None = None):
        self.cache = cache
        self.table_dir = table_dir  # where the English tables are (built there if missing)
        self._tables: WordTables | None = None
        self._tables_tried = False
        self._zipf: dict[tuple[str, str], float] = {}
        self._endings: dict[str, int] | None = None
        self._endings_total = 0
        self._ending_share: dict[str, float] = {}

    def zipf(self, word: str, lang: str = "en") -> float:
        key = (word, lang)
        value = self._zipf.get(key)
        if value is None:
            value = self._look_up(word, lang)
            if len(self._zipf) >= MEMO_LIMIT:
                self._zipf.clear()
            self._zipf[key] = value
        return value

    def _look_up(self, word: str, lang: str) -> float:
        """English from the tables; otherwise the results cache, then wordfreq itself."""
        tables = self.tables() if lang == "en" else None
        if tables is not None:
            return tables.zipf(word)
        cached = self.cache.get(WORDFREQ_KEY, f"{lang}\0{word}") if self.cache is not None else None
        if cached is not None:
            return float(cached)
        from wordfreq import zipf_frequency  # heavy: loaded on first use only

        value = zipf_frequency(word, lang, wordlist="large" if lang == "en" else "small")
        if self.cache is not None:
            self.cache.put(WORDFREQ_KEY, f"{lang}\0{word}", value)
        return value

    def ending_share(self, ending: str) -> float:
        """The share (0-1) of English words (wordfreq's large list: every word of four or more
        ASCII letters) that end with `ending` (2 to 5 letters): how ordinary that ending is. A
        token that ends in `-in` may be a name (`Putin`, 1.7% of words end so); one that ends in
        `-from` is almost never a word (0.002%)."""
        ending = ending.lower()
        value = self._ending_share.get(ending)
        if value is not None:
            return value
        tables = self.tables()
        if tables is not None:
            count, total = tables.ending_count(ending)
            self._ending_share[ending] = value = count / total
            return value
        cached = self.cache.get(ENDINGS_KEY, ending) if self.cache is not None else None
        if cached is not None:
            value = float(cached)
        else:
            counts, total = self._ending_counts()
            value = counts.get(ending, 0) / total
            if self.cache is not None:
                self.cache.put(ENDINGS_KEY, ending, value)
        self._ending_share[ending] = value
        return value

    def _ending_counts(self) -> tuple[dict[str, int], int]:
        if self._endings is None:
            from collections import Counter

            from wordfreq import get_frequency_dict  # heavy: loaded on first use only

            counts: Counter[str] = Counter()
            total = 0
            for word in get_frequency_dict("en", "large"):
                if len(word) >= 4 and word.isascii() and word.isalpha():
                    total += 1
                    for k in ENDING_LENGTHS:
                        if len(word) > k + 1:
                            counts[word[-k:]] += 1
            self._endings, self._endings_total = dict(counts), total
        return self._endings, self._endings_total

    def tables(self) -> WordTables | None:
        """The memory-mapped English tables, opened on first need (None: use wordfreq)."""
        if not self._tables_tried:
            self._tables_tried = True
            if self.table_dir is not None:
                from cleanup.wordtable import WordTables

                self._tables = WordTables.open(self.table_dir)
        return self._tables

    def __getstate__(self) -> dict[str, Any]:
        return {"cache": self.cache, "table_dir": self.table_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["cache"], state.get("table_dir"))  # type: ignore[misc]
