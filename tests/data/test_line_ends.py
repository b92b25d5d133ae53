"""One implementation of the line ends promopilot reads (CRLF and lone CR become LF), fed a
file whole (``sentiment --in``) or chunk by chunk (ingest's streaming rewrite)."""

from __future__ import annotations

import random

import pytest

from promopilot.data.line_ends import LfLineEnds, has_lone_cr, lf_line_ends

TEXT = 'a,b\r\n1,"two\r\nlines"\r3,x\n4,"茶\r杯"\r\r\n5,y\r'


def test_every_line_end_becomes_lf():
    assert lf_line_ends(TEXT) == 'a,b\n1,"two\nlines"\n3,x\n4,"茶\n杯"\n\n5,y\n'
    assert has_lone_cr(TEXT) and not has_lone_cr("a\r\nb\n") and not has_lone_cr("a\nb")


@pytest.mark.parametrize("seed", range(20))
def test_pieces_read_as_the_whole(seed):
    """A CRLF split between two pieces is one line end, not two."""
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(TEXT)), 6))
    pieces = [TEXT[i:j] for i, j in zip([0, *cuts], [*cuts, len(TEXT)], strict=True)]
    ends = LfLineEnds()
    out = "".join(ends.feed(piece) for piece in pieces) + ends.feed("", final=True)
    assert out == lf_line_ends(TEXT)


def test_a_crlf_cut_between_two_pieces_is_one_line_end():
    ends = LfLineEnds()
    assert ends.feed("a\r") == "a" and ends.feed("\nb") == "\nb"
    assert ends.feed("\r", final=True) == "\n"
