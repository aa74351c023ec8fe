"""jsna: a reproducible Joint Strategic Needs Assessment report series.

Parameterised Jupyter notebooks, executed once per Place by Papermill and exported to
self-contained HTML. All logic lives in this package; notebooks stay thin.
"""

__version__ = "0.1.0"
