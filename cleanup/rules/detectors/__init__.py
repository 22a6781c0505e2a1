"""Named detectors: artifact classes that a phrase list cannot express. Each module registers
its matcher classes with `@detector(name, params)`; a rule file uses one with
`kind: detector`, `detector: NAME` and `params: {...}`."""

from cleanup.rules.detectors import (  # noqa: F401  (registration)
    assistant_leaks,
    fidelity,
    foreign,
    fused_words,
    hidden,
    leaks,
    negation,
    segmentation,
    split_names,
)
