"""Integrations with corpus tools, each an optional extra: datatrove (`datatrove.py`); the
Hugging Face `datasets` map function is `cleanup.hf_map` (cleanup/api.py)."""
