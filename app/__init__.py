"""Footnote: answers about your documents, each claim with a citation you can check."""
