"""wordfreq's English list as two memory-mapped tables, so a worker does not hold it in memory.

wordfreq keeps a language's whole list in a Python dict: English's large list costs a worker
about 45 MB, and the share of words per ending (what the fused-word rule asks) a few more,
in every `-j` process. The same answers fit in two sorted tables on disk, read through `mmap`:
the pages are the operating system's, shared by every process that maps them, and a lookup
is a binary search.

- `freq`: every token of the list with its frequency; `zipf` reproduces
  `wordfreq.zipf_frequency(word, "en", "large")` from it, for any word;
- `endings`: every ending of 2 to 5 letters with how many words (4+ ASCII letters, longer than
  the ending by 2 or more) end so, and the number of such words.

The tables are built once per machine and wordfreq version, in a separate process (so the
worker never loads the dict), into `<cache dir>/tables/`, written atomically. Where they
cannot be built or read, `Lexicon` falls back to wordfreq itself: slower to load, same answers.

    python -m cleanup.wordtable build DIR     # what the worker runs when a table is missing
"""

from __future__ import annotations

import math
import mmap
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

MAGIC = b"CLTBL002"
# magic, entries, extra (the endings table: how many words), the values' type ("d" or "I")
HEADER = struct.Struct("<8sQQ8s")
ENDING_LENGTHS = (2, 3, 4, 5)


def table_names() -> tuple[str, str]:
    from importlib.metadata import version

    tag = f"wordfreq-{version('wordfreq')}-en-large"
    return f"{tag}.freq.tbl", f"{tag}.endings.tbl"


class SortedTable:
    """A read-only map from str keys to numbers: keys sorted (UTF-8 bytes) in one blob, the
    values (float64 or uint32) and the keys' offsets in two arrays, the whole file mapped into
    memory (values first, so they are aligned)."""

    def __init__(self, path: Path):
        with open(path, "rb") as fh:
            self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        magic, n, self.extra, code = HEADER.unpack_from(self._mm, 0)
        if magic != MAGIC:
            raise ValueError(f"{path}: not a cleanup table")
        typecode = code.rstrip(b"\0").decode("ascii")
        width = struct.calcsize(typecode)
        self.n = n
        view = memoryview(self._mm)
        at = HEADER.size
        self._values = view[at : at + width * n].cast(typecode)
        at += width * n
        self._offsets = view[at : at + 4 * (n + 1)].cast("I")
        self._blob_at = at + 4 * (n + 1)
        if self._blob_at + self._offsets[n] != len(self._mm):
            raise ValueError(f"{path}: truncated")

    def _key(self, i: int) -> bytes:
        return self._mm[self._blob_at + self._offsets[i] : self._blob_at + self._offsets[i + 1]]

    def get(self, key: str) -> float | int | None:
        want = key.encode("utf-8", "surrogatepass")
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(mid) < want:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.n and self._key(lo) == want:
            return self._values[lo]
        return None

    @staticmethod
    def write(path: Path, items: list[tuple[str, float | int]], typecode: str, extra: int = 0) -> None:
        """Write the table atomically (keys sorted here)."""
        import array

        encoded = sorted((k.encode("utf-8", "surrogatepass"), v) for k, v in items)
        offsets = array.array("I", [0])
        values: array.array[Any] = array.array(typecode)
        for k, v in encoded:
            offsets.append(offsets[-1] + len(k))
            values.append(v)
        if sys.byteorder != "little":  # pragma: no cover
            offsets.byteswap()
            values.byteswap()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(HEADER.pack(MAGIC, len(encoded), extra, typecode.encode("ascii")))
                fh.write(values.tobytes())
                fh.write(offsets.tobytes())
                fh.write(b"".join(k for k, _ in encoded))
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def build(directory: Path) -> None:
    """Build both tables from wordfreq (loads its English list: run it in its own process)."""
    from wordfreq import get_frequency_dict

    freq_name, endings_name = table_names()
    freqs = get_frequency_dict("en", "large")
    SortedTable.write(directory / freq_name, list(freqs.items()), "d")
    counts: dict[str, int] = {}
    total = 0
    for word in freqs:
        if len(word) >= 4 and word.isascii() and word.isalpha():
            total += 1
            for k in ENDING_LENGTHS:
                if len(word) > k + 1:
                    counts[word[-k:]] = counts.get(word[-k:], 0) + 1
    SortedTable.write(directory / endings_name, list(counts.items()), "I", extra=total)


class WordTables:
    """Both tables, opened (and built in a child process if missing) on first use."""

    def __init__(self, freqs: SortedTable, endings: SortedTable):
        self.freq_table, self.endings_table = freqs, endings

    @classmethod
    def open(cls, directory: Path) -> WordTables | None:
        """The tables in `directory`, built first if missing; None if they cannot be had."""
        freq_name, endings_name = table_names()
        paths = directory / freq_name, directory / endings_name
        try:
            if not all(p.is_file() for p in paths):
                directory.mkdir(parents=True, exist_ok=True)
                subprocess.run(
                    [sys.executable, "-m", "cleanup.wordtable", "build", str(directory)],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
            return cls(SortedTable(paths[0]), SortedTable(paths[1]))
        except (OSError, ValueError, subprocess.SubprocessError):
            return None

    def zipf(self, word: str) -> float:
        """`wordfreq.zipf_frequency(word, "en", "large")`, with wordfreq's own arithmetic
        (its tokenizer, numbers smashed to 0s, 1/f summed over tokens, three significant
        digits, hundredths of Zipf) over the table instead of its dict."""
        minimum = 1e-9  # wordfreq's zipf_to_freq(0): an unknown word is Zipf 0
        if word.isascii() and word.isalpha():
            tokens = [word.lower()]  # what wordfreq's tokenizer makes of a plain word
        else:
            from wordfreq import lossy_tokenize

            tokens = lossy_tokenize(word, "en")
        if not tokens:
            freq = minimum
        else:
            one_over = 0.0
            for token in tokens:
                smashed = _smash_numbers(token)
                found = self.freq_table.get(smashed)
                if found is None:
                    one_over = 0.0
                    break
                f = float(found)
                if smashed != token:
                    from wordfreq import digit_freq

                    f *= digit_freq(token)
                one_over += 1.0 / f
            freq = max(1.0 / one_over, minimum) if one_over else minimum
            freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
        return round(math.log(freq, 10) + 9, 2)

    def ending_count(self, ending: str) -> tuple[int, int]:
        """(words that end with `ending`, words counted)."""
        return int(self.endings_table.get(ending) or 0), self.endings_table.extra


def _smash_numbers(token: str) -> str:
    """wordfreq's `smash_numbers` (digits become 0s), without importing it for plain words."""
    if not any(ch.isdigit() for ch in token):
        return token
    from wordfreq import smash_numbers

    return smash_numbers(token)


if __name__ == "__main__":  # pragma: no cover - run by WordTables.open in a child process
    if len(sys.argv) != 3 or sys.argv[1] != "build":
        raise SystemExit("usage: python -m cleanup.wordtable build DIR")
    build(Path(sys.argv[2]))
