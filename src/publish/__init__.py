"""publish: a structured manuscript -> print-ready PDF and EPUB 3, from one model."""

__version__ = "0.1.0"
