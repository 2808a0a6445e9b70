"""Chat-ops bot for hotels on Alexa Smart Properties."""

__version__ = "0.1.0"
