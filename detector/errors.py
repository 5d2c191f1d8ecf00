"""Errors raised by the library. Each message says what is wrong in terms a caller can act on."""


class MizanError(Exception):
    """Base class of every error the library raises on purpose."""


class InvalidArticleError(MizanError, ValueError):
    """The article cannot be scored as given (empty, too long, no extractable text)."""


class SignalNotFoundError(MizanError, KeyError):
    """No signal is registered under the requested name."""

    def __str__(self) -> str:
        """Return the message without KeyError's quoting."""
        return str(self.args[0]) if self.args else "signal not found"


class ModelBundleError(MizanError):
    """A model bundle is missing, tampered with, or does not match this code."""


class ScoringBudgetError(InvalidArticleError):
    """Scoring one article took longer than its time budget (``MIZAN_SCORE_TIMEOUT_S``)."""
