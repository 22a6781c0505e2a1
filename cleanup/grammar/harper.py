"""Harper through harper-py: offline, in process. One Linter per worker process."""

from __future__ import annotations

from typing import Any

from cleanup.deadline import ArticleTimeout
from cleanup.grammar import CheckFailed, GrammarBackendError
from cleanup.model import Hit


class HarperBackend:
    name = "harper"

    def __init__(self, disabled: list[str], enabled: list[str] | None = None):
        """`enabled`: the only lints that run (Harper's ~900 cost time whether or not they
        find anything: set up front, the rest never run); None: Harper's defaults. Lints in
        `disabled` are off either way."""
        import harper  # heavy: loaded only when the harper backend is used

        self._harper = harper
        self.linter: Any = harper.Linter()
        config = self.linter.get_lint_config()
        unknown = [r for r in [*disabled, *(enabled or [])] if r not in config]
        if unknown:
            raise GrammarBackendError(
                f"grammar configuration: unknown Harper lint(s): {', '.join(sorted(set(unknown)))}"
            )
        self.disabled = sorted(disabled)
        if enabled:
            chosen = set(enabled) - set(disabled)
            self.linter.set_lint_config({r: r in chosen for r in config})
        else:
            self.linter.set_lint_config({**config, **{r: False for r in self.disabled}})

    def check(self, paragraph: str) -> list[Hit]:
        try:
            organized = self.linter.organized_lints(paragraph, language=self._harper.Language.PLAINTEXT)
        except BaseException as exc:
            # a panic inside Harper arrives as pyo3's PanicException, a BaseException (harper-core
            # 2.13 panics on some all-capitals sentences); the Linter stays usable afterwards
            if isinstance(exc, (KeyboardInterrupt, SystemExit, ArticleTimeout)):
                raise
            raise CheckFailed(f"Harper {type(exc).__name__}: {exc}") from exc
        out: list[Hit] = []
        for rule, lints in organized.items():
            for lint in lints:
                suggestions = []
                for s in lint.suggestions:
                    if s.kind == self._harper.SuggestionKind.REMOVE:
                        suggestions.append("")
                    elif s.kind == self._harper.SuggestionKind.INSERT_AFTER:
                        suggestions.append(lint.problem_text + s.replacement_text)
                    else:
                        suggestions.append(s.replacement_text)
                out.append(Hit(lint.span.start, lint.span.end, None, lint.message, suggestions, rule, lint.lint_kind))
        out.sort(key=lambda x: (x.start, x.end, x.rule))
        return out

    def close(self) -> None:
        self.linter = None
