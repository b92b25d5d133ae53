"""Line ends as promopilot reads text tables: CRLF (Windows) and a lone CR (old Mac) become LF,
so a line of the result is the line of the file. One implementation for the streaming rewrite
of a file ingest reads (:func:`promopilot.data.textfile.prepare_text`) and for a file read
whole in memory (``promopilot sentiment --in``)."""

from __future__ import annotations


def has_lone_cr(text: str) -> bool:
    """Whether some CR in `text` ends a line without an LF after it (old Mac line ends)."""
    return text.count("\r") != text.count("\r\n")


class LfLineEnds:
    """CRLF and lone CR line ends turned into LF in text fed piece by piece (a file decoded
    chunk by chunk): a CR that ends one piece is held until the next shows whether an LF
    follows it, so a CRLF split across two pieces is one line end."""

    def __init__(self) -> None:
        self._held_cr = False

    def feed(self, text: str, *, final: bool = False) -> str:
        """`text` with LF line ends; the last piece is fed with ``final=True``."""
        if self._held_cr:
            text, self._held_cr = "\r" + text, False
        if not final and text.endswith("\r"):
            text, self._held_cr = text[:-1], True
        return text.replace("\r\n", "\n").replace("\r", "\n")


def lf_line_ends(text: str) -> str:
    """`text` (a whole file) with its CRLF and lone CR line ends turned into LF."""
    return LfLineEnds().feed(text, final=True)
