"""Named detectors: artifact classes that a phrase list cannot express. Each module registers
its matcher classes with `@detector(name, params)`; a rule file uses one with
`kind: detector`, `detector: NAME` and `params: {...}`."""

from cleanup.rules.detectors import foreign, fused_words, leaks, negation, split_names  # noqa: F401
