"""Column widths for the terminal's tables: each column at least as wide as its longest word,
in terminal cells (a Chinese character is two), and Chinese text broken between its
characters where a column is narrower than it, never between a bracket and its text.

Rich shares a table's width out from its widest columns, below their longest word, and cuts
or folds what does not fit: '[+23,326.8…' at 80 columns, a Chinese header '(人' / '民币' / ')', an
offer '满100减20 …'. Chinese has no spaces, so Rich reads a whole name as one word.
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

#: where a line may not break: after an opening bracket or quote, before a closing one or
#: punctuation (full-width and ASCII alike)
OPENING = "（([【《“‘「『〈"
CLOSING = "）)]】》”’」』〉，。、；：！？,.;:!?%"


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def pieces(word: str) -> list[str]:
    """The parts of `word` (no spaces) a line may break between: between two Chinese
    characters, as Chinese text breaks, a run of Latin letters and digits kept whole, an
    opening bracket kept with what follows it and a closing one or punctuation with what it
    follows: '满100减20（新客）' is 满, 100, 减, 20, （新, 客）."""
    out: list[str] = []
    for ch in word:
        last = out[-1][-1] if out else ""
        joined = ch in CLOSING or last in OPENING or not (_wide(ch) or _wide(last))
        if out and joined:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def least_width(text: str) -> int:
    """The narrowest `text` can be written without cutting a word or breaking a Chinese one
    where it may not break."""
    words = text.split()
    return max((max(map(cell_len, pieces(w))) for w in words), default=0)


def wrapped(text: str, width: int) -> str:
    """`text` with its lines broken at spaces and, in Chinese, between :func:`pieces`, each
    line at most `width` cells where its pieces allow."""
    lines = []
    for line in text.split("\n"):
        current = ""
        for i, word in enumerate(line.split(" ")):
            for j, piece in enumerate(pieces(word)):
                part = (" " if i and not j and current else "") + piece
                if current and cell_len(current + part) > width:
                    lines.append(current)
                    current = piece
                else:
                    current += part
        lines.append(current)
    return "\n".join(lines)


def frame_width(table: Table) -> int:
    """The cells of the table's borders and padding on one line."""
    _, right, _, left = table.padding
    n = len(table.columns)
    borders = 0 if table.box is None else n + 1 if table.show_edge else n - 1
    return n * (left + right) + borders


def _measured(console: Console, options, item) -> tuple[int, int]:
    """The narrowest and widest `item` (a cell or header) is written, in terminal cells;
    Chinese text at its narrowest broken between :func:`pieces`."""
    from rich.measure import Measurement

    if isinstance(item, str):
        return least_width(item), max(map(cell_len, item.split("\n")))
    measured = Measurement.get(console, options.update_width(10_000), item)
    return measured.minimum, measured.maximum


def column_widths(table: Table, console: Console, options) -> list[tuple[int, int, int]]:
    """Each column's natural width (its longest cell line), its header's narrowest and its
    narrowest overall (cells and header), in terminal cells: a Chinese character is two
    ('(人民币)' is 8, not 5)."""
    out = []
    for column in table.columns:
        cells = [_measured(console, options, cell) for cell in column.cells]
        head = _measured(console, options, column.header) if table.show_header else (0, 0)
        least = max([m[0] for m in cells] + [head[0]])
        out.append((max([m[1] for m in cells] or [0]), head[0], least))
    return out


def fit_columns(table: Table, console: Console, options) -> None:
    """Where `table` is wider than the terminal but each column can hold its longest word
    (and its Chinese text's longest piece), fix each column's width so that it does: Rich takes
    the width from the widest columns first, below their longest word ('[+23,326.8…' at 80
    columns), and folds Chinese where the width runs out ('(人' / '民币' / ')'); Chinese text wider
    than its column is broken between its :func:`pieces` here. The spare width goes to the
    columns nearest their natural width first (a header unwrapped last). Nothing changes where
    the table fits, or where even its longest words do not (Rich shares the width then)."""
    room = options.max_width - frame_width(table)
    widths = column_widths(table, console, options)
    heads = [
        _measured(console, options, c.header)[1] if table.show_header else 0 for c in table.columns
    ]
    least = [w[2] for w in widths]
    cells = [max(w[0], w[2]) for w in widths]
    most = [max(c, head) for c, head in zip(cells, heads, strict=True)]
    if sum(most) <= room or sum(least) > room:
        return
    fixed, spare = list(least), room - sum(least)
    for goal in (cells, most):  # the cells unwrapped first, then the headers
        for i in sorted(range(len(goal)), key=lambda i: goal[i] - fixed[i]):
            grow = min(goal[i] - fixed[i], spare)
            fixed[i] += grow
            spare -= grow
    for column, width in zip(table.columns, fixed, strict=True):
        column.width = width
        if _chinese(column.header):
            column.header = wrapped(column.header, width)
        # Rich's own list of the column's cells (Column.cells reads it): no public setter; a
        # Rich without it leaves the folding of Chinese cells to Rich
        cells = getattr(column, "_cells", None)
        if isinstance(cells, list):
            column._cells = [wrapped(c, width) if _chinese(c) else c for c in cells]


def _chinese(item) -> bool:
    return isinstance(item, str) and any(_wide(ch) for ch in item)
