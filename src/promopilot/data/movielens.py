"""The MovieLens 100K layout (``u.item``, ``u.data``): products and rating events. For
benchmarks only (research licence); the data is never copied into the repository."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from promopilot.columns import CUSTOMER_ID, PRODUCT_ID, TIMESTAMP
from promopilot.data.loading import FileReport, load_table, next_ingest_id
from promopilot.data.rawfile import read_raw, sql_str
from promopilot.data.schema import TABLES
from promopilot.data.store import Store
from promopilot.exceptions import InputError

GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)


def import_movielens(
    store: Store, path: Path, progress: Callable[[str], None] | None = None
) -> list[FileReport]:
    """MovieLens 100K: ``u.item`` becomes products (first genre as category), ``u.data``
    becomes ``rating`` events (value = stars). For benchmarks only (research licence)."""
    folder = path if path.is_dir() else path.parent
    data = path if path.is_file() else folder / "u.data"
    reports = []
    item = folder / "u.item"
    if item.exists():
        if progress is not None:
            progress(item.name)
        names = [
            "movie_id",
            "title",
            "release_date",
            "video_release_date",
            "url",
            *[f"g{i}" for i in range(len(GENRES))],
        ]
        raw = read_raw(
            store, item, delimiter="|", header=False, names=names, quote="", encoding="latin-1"
        )
        raw.label = str(item)
        genre = (
            "CASE "
            + " ".join(f"WHEN g{i} = '1' THEN {sql_str(g)}" for i, g in enumerate(GENRES))
            + " END"
        )
        mapping = {PRODUCT_ID: "movie_id", "title": "title", "category": genre}
        reports.append(
            load_table(
                store,
                raw,
                TABLES["products"],
                mapping,
                ingest_id=next_ingest_id(store),
                fmt="movielens",
            )
        )
    if not data.exists():
        raise InputError(f"{folder}: no u.data file (MovieLens ratings)")
    if progress is not None:
        progress(data.name)
    raw = read_raw(
        store,
        data,
        delimiter="\t",
        header=False,
        names=["user_id", "item_id", "rating", "unix_time"],
        quote="",
    )
    raw.label = str(data)
    mapping = {
        TIMESTAMP: "strftime(make_timestamp(TRY_CAST(unix_time AS BIGINT) * 1000000), "
        "'%Y-%m-%d %H:%M:%S') || '+00:00'",
        CUSTOMER_ID: "user_id",
        PRODUCT_ID: "item_id",
        "event": "'rating'",
        "value": "rating",
    }
    reports.append(
        load_table(
            store, raw, TABLES["events"], mapping, ingest_id=next_ingest_id(store), fmt="movielens"
        )
    )
    return reports
