"""Shared CLI pieces: opening the store from --db or --data, progress bars, tables."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from promopilot.cli.widths import column_widths, fit_columns, frame_width
from promopilot.config import load_settings
from promopilot.exceptions import InputError

if TYPE_CHECKING:  # the store pulls in DuckDB and pandas: imported when a command runs
    import pandas as pd

    from promopilot.data.ingest import IngestReport
    from promopilot.data.store import Store

console = Console(highlight=False)


ELLIPSIS = "…"


def cuts_a_word(table: Table, console: Console, options) -> bool:
    """Whether Rich, drawing ``table`` in ``options.max_width``, cuts a word with "…" (it
    shares the width among the columns and can cut even where every longest word would fit,
    as at 100 columns). Drawn with Rich's public ``render_lines`` and counted against the
    "…" the cells hold themselves."""
    drawn = console.render_lines(table, options.update(height=None), pad=False)
    cut = sum(segment.text.count(ELLIPSIS) for line in drawn for segment in line)
    held = sum(str(cell).count(ELLIPSIS) for column in table.columns for cell in column.cells)
    held += sum(str(part or "").count(ELLIPSIS) for part in (table.title, table.caption))
    return cut > held


class TableOrLines:
    """``table`` where each of its words fits the terminal, else ``lines()`` (a list of lines):
    Rich cuts a word wider than its column ('brows…', 'barga… hunte…' at 80 columns), which no
    reader can read back. Wide terminals see the table as before."""

    def __init__(self, table: Table, lines: Callable[[], list[str]]) -> None:
        self.table, self.lines = table, lines

    def __str__(self) -> str:  # what the table's title says, for a log line
        return str(self.table.title or "")

    def __rich_console__(self, console: Console, options):
        fit_columns(self.table, console, options)  # each column its longest word, if all fit
        if not cuts_a_word(self.table, console, options):
            yield self.table
            return
        if self.table.title:
            yield Text(str(self.table.title), style="bold")
        for line in self.lines():  # as written (no markup in names); indented lines wrap indented
            indent = len(line) - len(line.lstrip(" "))
            yield Padding(Text(line.lstrip(" ")), (0, 0, 0, indent), expand=False)
        if self.table.caption:
            yield Text(str(self.table.caption), style="dim")


class WideOrNarrow:
    """``wide`` where its cells fit the terminal at their natural width, none wrapped, else
    ``narrow()``, the same table with its cells broken where a reader would break them (an
    interval at its comma): Rich breaks where the width runs out ('[+2.7 pp, +6.7 / pp]').
    The narrow table's columns are each at least as wide as their longest word, header
    included (:func:`fit_columns`). Its attributes are the wide table's."""

    def __init__(self, wide: Table, narrow: Callable[[], Table]) -> None:
        self.wide, self.narrow = wide, narrow

    def __getattr__(self, name: str):
        return getattr(self.wide, name)

    def __rich_console__(self, console: Console, options):
        # its cells at their natural width, each header at its longest word (a header wraps at
        # its words, but a word wider than the column's cells widens it: at 100 columns the
        # headers "customers" and "control" squeezed '[+4.2 pp, +10.9 / pp]' again)
        widths = column_widths(self.wide, console, options)
        need = frame_width(self.wide) + sum(max(cells, head) for cells, head, _ in widths)
        if need <= options.max_width:
            fit_columns(self.wide, console, options)  # its headers wrapped, not its cells
            yield self.wide
            return
        narrow = self.narrow()
        fit_columns(narrow, console, options)
        yield narrow


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="The store (DuckDB file). Default: the `db` setting."),
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="A shop folder: ingested into a temporary store first."),
]


def progress_bar(transient: bool = True) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}"),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )


def ingest_with_progress(store: Store, path: Path, fmt: str = "auto") -> IngestReport:
    from promopilot.data.ingest import ingest

    files = [p for p in path.iterdir() if p.is_file()] if path.is_dir() else [path]
    with progress_bar() as bar:
        task = bar.add_task("ingesting", total=len(files), item="")

        def tick(name: str) -> None:
            bar.update(task, advance=1, item=name)

        report = ingest(store, path, format=fmt, progress=tick)
    return report


@contextlib.contextmanager
def open_store(db: Path | None, data: Path | None, *, must_exist: bool = True) -> Iterator[Store]:
    """The store a command reads: a shop folder ingested into a temporary store (--data, deleted
    when the command ends), or the DuckDB file (--db, else the `db` setting)."""
    from promopilot.data.store import Store

    settings = load_settings()
    kwargs = {
        "timezone": settings.timezone,
        "memory_limit": settings.memory_limit,
        "threads": settings.threads,
    }
    if data is not None:
        if db is not None:
            raise InputError("give either --db or --data, not both")
        if not data.exists():
            raise InputError(f"{data}: no such shop folder")
        folder = Path(tempfile.mkdtemp(prefix="promopilot-"))
        try:
            with Store(folder / "shop.duckdb", **kwargs) as store:
                report = ingest_with_progress(store, data)
                console.print(
                    f"ingested {data}: {report.n_loaded:,} rows loaded, "
                    f"{report.n_quarantined:,} quarantined of {report.n_read:,} read"
                )
                yield store
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    path = db or Path(settings.db)
    if must_exist and not path.exists():
        raise InputError(
            f"{path}: no store here: run `promopilot ingest DIR` first, or pass --data DIR"
        )
    with Store(path, **kwargs) as store:
        for note in store.notes:  # what opening an older store changed in it
            console.print(f"[dim]{path}: {note}[/dim]")
        yield store


def ingest_table(report: IngestReport) -> TableOrLines:
    """One row per file (per table for a folder of many); a line each where the file names do
    not fit (80 columns: 'products.c…', 'campaigns.…', 'quarantin…')."""
    table = Table(title="ingest", show_lines=False)
    heads = ("file", "table", "read", "loaded", "new", "quarantined", "flagged")
    for col in heads:
        table.add_column(col, justify="left" if col in ("file", "table") else "right")
    rows = [
        (Path(f.file).name, f.table, f.n_read, f.n_loaded, f.n_new, f.n_quarantined, f.n_flagged)
        for f in report.files
    ]
    if len(rows) > 20:  # many files (a folder of daily exports): one row per table
        grouped: dict[str, list] = {}
        for _name, tbl, *numbers in rows:
            entry = grouped.setdefault(tbl, [0, tbl, 0, 0, 0, 0, 0])
            entry[0] += 1
            for i, value in enumerate(numbers):
                entry[2 + i] += value
        rows = [(f"{n_files} files", tbl, *nums) for n_files, tbl, *nums in grouped.values()]
    for name, tbl, *numbers in rows:
        table.add_row(name, tbl, *(f"{v:,}" for v in numbers))
    if len(report.files) > 1:
        table.add_row(
            "total",
            "",
            f"{report.n_read:,}",
            f"{report.n_loaded:,}",
            f"{report.n_new:,}",
            f"{report.n_quarantined:,}",
            f"{report.n_flagged:,}",
            style="bold",
        )

    def lines() -> list[str]:
        return [
            f"{c[0]} → {c[1]}: "
            + ", ".join(f"{h} {v}" for h, v in zip(heads[2:], c[2:], strict=True))
            if c[1]
            else f"{c[0]}: " + ", ".join(f"{h} {v}" for h, v in zip(heads[2:], c[2:], strict=True))
            for c in zip(*(col.cells for col in table.columns), strict=True)
        ]

    return TableOrLines(table, lines)


def frame_table(frame: pd.DataFrame, title: str | None = None) -> TableOrLines:
    """A small result frame as a table: text left, numbers right with thousands separators
    (a column of whole numbers without decimals, any other to 2 places), times to the minute,
    missing values as "–" (``report.formats``, as the HTML report writes them)."""
    import pandas as pd

    from promopilot.report import formats

    table = Table(title=title)
    cells = []
    for col in frame.columns:
        values = frame[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        table.add_column(str(col), justify="right" if numeric else "left")
        if numeric:
            places = 0 if bool((values.dropna() % 1 == 0).all()) else 2
            cells.append([formats.number(v, places) for v in values])
        else:
            cells.append([_text_cell(v) for v in values])
    for row in zip(*cells, strict=True):
        table.add_row(*row)

    def lines() -> list[str]:  # 80 columns cut retrain's 'spring…', '2026-0…', '170,03…'
        heads = [str(c) for c in frame.columns[1:]]
        return [
            f"{row[0]}: " + ", ".join(f"{h} {v}" for h, v in zip(heads, row[1:], strict=True))
            for row in zip(*cells, strict=True)
        ]

    return TableOrLines(table, lines)


def _text_cell(value) -> str:
    import pandas as pd

    from promopilot.report.formats import MISSING

    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return MISSING
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else f"{value:%Y-%m-%d %H:%M}"
    return str(value)
