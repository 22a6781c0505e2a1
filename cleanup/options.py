"""What a run is asked to do: the options every command, executor and API call shares."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cleanup import __version__
from cleanup.model import FixMode

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Options:
    target_lang: str = "en"
    fix_mode: FixMode = FixMode.SAFE
    grammar: str = "harper"
    languagetool_url: str | None = None
    languagetool_timeout: float = 60.0  # seconds a LanguageTool request may take in all
    rule_dirs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    cache_dir: str | None = None
    use_cache: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity, from the configuration

    def __post_init__(self) -> None:
        self.fix_mode = FixMode(self.fix_mode)

    def fingerprint(self, rule_files: list[Path]) -> str:
        """Everything that changes the output for the same input: options, the tool's own code
        and every rule file's bytes. Part of the key of incremental re-runs and resumes."""
        h = hashlib.sha256()
        data = {
            k: v
            for k, v in asdict(self).items()
            if k not in ("cache_dir", "use_cache", "rule_dirs", "languagetool_timeout")
        }
        h.update(json.dumps([__version__, data], sort_keys=True, default=str).encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            h.update(path.read_bytes())
        for path in rule_files:
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        return h.hexdigest()[:16]
