"""A stand-in LanguageTool server for tests: it cannot be downloaded on this machine.

It speaks LanguageTool's HTTP protocol as documented for `/v2/languages` and `/v2/check`
(form-encoded POST with `text`, `language`, `disabledRules`; JSON `matches` with `offset` and
`length` in UTF-16 code units, `rule.id`, `rule.category.id`, `replacements[].value`), so the
real language-tool-python client talks to it exactly as to a real server. Its "grammar" is a
tiny fixed list of checks: enough to see findings arrive at the right places.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

CHECKS = [
    # (regex, rule id, category id, issue type, message, replacement builder)
    (
        re.compile(r"\bteh\b"),
        "MORFOLOGIK_RULE_EN_US",
        "TYPOS",
        "misspelling",
        "Possible spelling mistake found.",
        lambda m: ["the"],
    ),
    (
        re.compile(r"\ba (?=[aeiou])", re.I),
        "EN_A_VS_AN",
        "MISC",
        "grammar",
        "Use “an” instead of “a” if the following word starts with a vowel sound.",
        lambda m: ["an "],
    ),
    (
        re.compile(r"\b(\w+) \1\b", re.I),
        "ENGLISH_WORD_REPEAT_RULE",
        "MISC",
        "duplication",
        "Possible typo: you repeated a word.",
        lambda m: [m.group(1)],
    ),
    (
        re.compile(r"\bShoigu\b|\bYonhap\b"),
        "MORFOLOGIK_RULE_EN_US",
        "TYPOS",
        "misspelling",
        "Possible spelling mistake found.",
        lambda m: ["Shogun"],
    ),
    (re.compile(r"\bvery unique\b"), "EN_UNIQUE", "STYLE", "style", "“Unique” cannot be graded.", lambda m: ["unique"]),
]


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeLanguageTool/6.4"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, payload, status=200):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/v2/languages"):
            self._send(
                [
                    {"name": "English (US)", "code": "en", "longCode": "en-US"},
                    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
                    {"name": "German", "code": "de", "longCode": "de-DE"},
                ]
            )
        else:
            self._send({"error": "not found"}, 404)

    def do_POST(self):
        if not self.path.startswith("/v2/check"):
            self._send({"error": "not found"}, 404)
            return
        if self.server.stall == "hang":  # accepts the request, never answers
            time.sleep(3600)
        if self.server.stall == "trickle":  # answers one byte a second, forever
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(3600):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
            return
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        text = form.get("text", [""])[0]
        disabled = set(",".join(form.get("disabledRules", [])).split(","))
        self.server.requests.append({"text": text, "language": form.get("language", [""])[0], "disabled": disabled})
        matches = []
        for pattern, rule_id, category, issue, message, repl in CHECKS:
            if rule_id in disabled:
                continue
            for m in pattern.finditer(text):
                offset = utf16_len(text[: m.start()])
                length_u16 = utf16_len(m.group())
                matches.append(
                    {
                        "message": message,
                        "shortMessage": "",
                        "replacements": [{"value": v} for v in repl(m)],
                        "offset": offset,
                        "length": length_u16,
                        "context": {
                            "text": text[max(0, m.start() - 20) : m.end() + 20],
                            "offset": min(20, m.start()),
                            "length": length_u16,
                        },
                        "sentence": text,
                        "type": {"typeName": "Other"},
                        "rule": {
                            "id": rule_id,
                            "description": message,
                            "issueType": issue,
                            "category": {"id": category, "name": category.title()},
                        },
                        "ignoreForIncompleteSentence": False,
                        "contextForSureMatch": 0,
                    }
                )
        matches.sort(key=lambda x: x["offset"])
        self._send(
            {
                "software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
                "language": {"name": "English (US)", "code": "en-US"},
                "matches": matches,
            }
        )


class FakeLanguageTool:
    """Start with `with FakeLanguageTool() as lt:`; `lt.url` is its address, `lt.requests` what it got."""

    def __init__(self, stall: str | None = None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.requests = []
        self.httpd.stall = stall  # None, "hang" or "trickle": a server that never finishes
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def requests(self) -> list:
        return self.httpd.requests

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":  # `python tests/lt_server.py`: a server to try the CLI against
    import time

    with FakeLanguageTool() as lt:
        print(lt.url, flush=True)
        while True:
            time.sleep(3600)
