"""segdash: follow-up dashboard for Linköping's action plan against segregation."""

__version__ = "0.1.0"
