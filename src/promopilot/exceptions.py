"""Project exceptions. Each subclasses a builtin so callers can catch either."""

import threading


class PromopilotError(Exception):
    """Base class of every promopilot error."""


class InputError(PromopilotError, ValueError):
    """Input that cannot be used at all (a file that is not a table, a missing column).

    The message is one line a person can act on; the CLI prints it and exits 2.
    """


class UnknownIdError(PromopilotError, KeyError):
    """A customer, product, offer or campaign id that the store does not know."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the plain sentence
        return str(self.args[0]) if self.args else ""


class AlreadyForgottenError(UnknownIdError):
    """A customer id the store no longer holds because it was forgotten on request: a repeated
    erasure request, already done (the CLI says so and exits 0)."""


class NotEnoughDataError(PromopilotError, ValueError):
    """The data cannot support the requested figure or model."""


_made = threading.Lock()


def __getattr__(name: str) -> type:
    """``NotFittedError`` is made on first use: it subclasses scikit-learn's, and importing
    scikit-learn takes the CLI seconds on commands that fit nothing."""
    if name != "NotFittedError":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _made:
        if name not in globals():  # another thread may have made it meanwhile
            globals()[name] = _not_fitted_error()
    return globals()[name]


def _not_fitted_error() -> type:
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    class NotFittedError(PromopilotError, SklearnNotFittedError):
        """An estimator was used before ``fit``. Also scikit-learn's ``NotFittedError`` (so a
        ``ValueError`` and an ``AttributeError``): code written for scikit-learn catches it."""

    NotFittedError.__qualname__ = "NotFittedError"  # pickled by name, as the others
    return NotFittedError
