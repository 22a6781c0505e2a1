"""cleanup: make machine-translated news articles publishable."""

__version__ = "0.1.0"
