"""Sending e-mail over SMTP (:mod:`smtplib`): throttled, with retries and backoff.

A temporary failure (a 4xx reply, a dropped or refused connection, a time-out) is retried
after ``retry_backoff`` seconds, doubling each time, at most ``max_retries`` times, on a fresh
connection; then the message is *deferred* (a later run tries it again). A permanent failure
(a 5xx reply to the message or its recipient) *fails* the message only. A failure of the
server as a whole (authentication refused, TLS not offered) stops the run.

Error texts kept in the store never hold the recipient's address.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Protocol

from promopilot.campaigns.settings import SendSettings
from promopilot.exceptions import PromopilotError

_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


class Sender(Protocol):
    """What delivery needs of an e-mail sender (:class:`SmtpSender`, or a test's fake)."""

    def send(self, message: EmailMessage) -> int:
        """Send one message; return the attempts it took, or raise :class:`TemporaryFailure`
        / :class:`PermanentFailure`."""
        ...

    def close(self) -> None: ...


class TemporaryFailure(Exception):
    """The message may go through later."""


class PermanentFailure(Exception):
    """The server refused this message for good."""


def scrub(text: str) -> str:
    """An error text without e-mail addresses."""
    return _ADDRESS.sub("<address>", str(text))[:300]


def _classify(error: BaseException) -> Exception:
    """A :class:`TemporaryFailure` or :class:`PermanentFailure` for a per-message error, or a
    :class:`PromopilotError` that should stop the run."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return PromopilotError(f"the SMTP server refused the login ({error.smtp_code})")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return PromopilotError(f"the SMTP server does not support this: {scrub(error)}")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        kind = TemporaryFailure if all(400 <= c < 500 for c in codes) else PermanentFailure
        return kind(f"recipient refused: SMTP {', '.join(map(str, codes))}")
    if isinstance(error, smtplib.SMTPResponseException):
        message = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        kind = TemporaryFailure if 400 <= error.smtp_code < 500 else PermanentFailure
        return kind(f"SMTP {error.smtp_code} {scrub(message)}")
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError | TimeoutError):
        return TemporaryFailure(f"connection: {scrub(error) or type(error).__name__}")
    return PermanentFailure(scrub(error))


class SmtpSender:
    """Sends messages through one SMTP server, at most ``rate`` per second.

    Use as a context manager; :meth:`send` returns the number of attempts it took, or raises
    :class:`TemporaryFailure` (retries used up) or :class:`PermanentFailure`.
    """

    def __init__(
        self,
        settings: SendSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        self._smtp: smtplib.SMTP | None = None
        self._last: float | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host,
                s.smtp_port,
                timeout=s.smtp_timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            if s.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def _throttle(self) -> None:
        gap = 1.0 / self.settings.rate
        if self._last is not None:
            wait = self._last + gap - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last = self._clock()

    def send(self, message: EmailMessage) -> int:
        attempts = 0
        while True:
            attempts += 1
            self._throttle()
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                self._smtp.send_message(message)
                return attempts
            except (smtplib.SMTPException, OSError) as error:
                failure = _classify(error)
                if not isinstance(failure, TemporaryFailure | PermanentFailure):
                    self.close()
                    raise failure from None
                if isinstance(failure, PermanentFailure):
                    self._reset_after(error)
                    raise failure from None
                self.close()  # a fresh connection for the retry
                if attempts > self.settings.max_retries:
                    raise failure from None
                self._sleep(self.settings.retry_backoff * 2 ** (attempts - 1))

    def _reset_after(self, error: BaseException) -> None:
        """After a refused message the session may be mid-transaction: reset or reconnect."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()
        del error
