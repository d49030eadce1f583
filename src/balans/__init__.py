"""balans: a constraint-based budget optimiser for Swedish regions."""

__version__ = "0.1.0"
