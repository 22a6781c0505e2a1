"""LanguageTool through language-tool-python.

A self-hosted server (`--languagetool-url` or LANGUAGETOOL_URL) is used through the client's
`remote_server=`; otherwise language-tool-python starts a local server (Java plus a
LanguageTool installation, LTP_PATH). One client per worker process for the whole run, behind
a lock: language-tool-python keeps per-text state in class attributes (its UTF-16 offset
correction), so concurrent checks from threads would corrupt offsets.

Text is never sent to the public LanguageTool API unless the user names it as the URL.
"""

from __future__ import annotations

import threading
from typing import Any

from cleanup.grammar import GrammarBackendError
from cleanup.model import Hit

HOW_TO_START = (
    "start a LanguageTool server, e.g. `java -cp languagetool-server.jar "
    "org.languagetool.server.HTTPServer --port 8081` (or the `erikvl87/languagetool` container), "
    "then pass `--languagetool-url http://localhost:8081`; or use `--grammar harper` (offline)"
)


def utf16_to_codepoints(text: str, start_cp: int, length_utf16: int) -> int:
    """End code point of a span that starts at `start_cp` and is `length_utf16` UTF-16 units long."""
    units = 0
    i = start_cp
    while units < length_utf16 and i < len(text):
        units += 2 if ord(text[i]) > 0xFFFF else 1
        i += 1
    return i


class LanguageToolBackend:
    name = "languagetool"
    _lock = threading.Lock()

    def __init__(self, url: str | None, disabled: list[str], language: str = "en-US", timeout: float = 60.0):
        try:
            import language_tool_python
        except ImportError as exc:  # pragma: no cover - it is a declared dependency
            raise GrammarBackendError(f"language-tool-python is not installed: {exc}") from exc
        self.url = url
        self.disabled = sorted(disabled)
        self.language = language
        self.timeout = timeout
        try:
            self.tool: Any
            if url:
                self.tool = language_tool_python.LanguageTool(language, remote_server=url)
            else:
                self.tool = language_tool_python.LanguageTool(language)
        except Exception as exc:
            where = f"the LanguageTool server at {url}" if url else "a local LanguageTool server"
            raise GrammarBackendError(f"cannot use {where}: {exc}. To fix: {HOW_TO_START}") from exc
        self.tool.disabled_rules.update(self.disabled)
        # the client's own limit is per socket read, and it retries: a hung server took 602 s
        # to fail, one that sends a byte every 20 s never did. Reads time out sooner, and the
        # whole request has a deadline (`check`)
        self.tool._TIMEOUT = max(1, int(timeout / 2))

    def check(self, paragraph: str) -> list[Hit]:
        outcome: dict[str, Any] = {}

        def request() -> None:
            try:
                with self._lock:
                    outcome["matches"] = self.tool.check(paragraph)
            except Exception as exc:
                outcome["error"] = exc

        # a daemon thread: one stuck on a dead connection must not keep the process alive
        thread = threading.Thread(target=request, name="languagetool-request", daemon=True)
        thread.start()
        thread.join(self.timeout)
        where = self.url or "local server"
        if thread.is_alive():
            raise GrammarBackendError(
                f"LanguageTool ({where}) did not answer within {self.timeout:g} s (--languagetool-timeout). {HOW_TO_START}"
            )
        if "error" in outcome:
            exc = outcome["error"]
            raise GrammarBackendError(f"LanguageTool check failed ({where}): {exc}. {HOW_TO_START}") from exc
        matches = outcome["matches"]
        out = []
        for m in matches:
            start = m.offset  # the client already moved it from UTF-16 units to code points
            end = utf16_to_codepoints(paragraph, start, m.error_length)
            out.append(Hit(start, end, None, m.message, list(m.replacements[:5]), m.rule_id, m.category))
        return out

    def close(self) -> None:
        tool, self.tool = self.tool, None
        if tool is not None:
            tool.close()
