"""Printable patient handouts for clinics: Markdown articles in, branded PDFs out."""

__version__ = "0.1.0"
