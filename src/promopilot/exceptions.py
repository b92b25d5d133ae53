"""Project exceptions. Each subclasses a builtin so callers can catch either."""


class PromopilotError(Exception):
    """Base class of every promopilot error."""


class InputError(PromopilotError, ValueError):
    """Input that cannot be used at all (a file that is not a table, a missing column).

    The message is one line a person can act on; the CLI prints it and exits 2.
    """


class NotFittedError(PromopilotError, ValueError, AttributeError):
    """An estimator was used before ``fit``."""


class UnknownIdError(PromopilotError, KeyError):
    """A customer, product, offer or campaign id that the store does not know."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the plain sentence
        return str(self.args[0]) if self.args else ""


class NotEnoughDataError(PromopilotError, ValueError):
    """The data cannot support the requested figure or model."""
