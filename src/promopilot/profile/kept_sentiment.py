"""Review sentiment scores kept in the store, under a key of what they were computed from.

The customer features' ``sentiment`` scores every review before the features' date with a
model fitted on those same reviews (:func:`promopilot.profile.features.build_features`). The
models page builds the features as of each past campaign's send date, so a server's first
visit after any change of the data (an order, an exposure) fitted the same models on the same
reviews again, and loaded jieba's dictionary to do it: 1.0-2.5 s of the demo store's page.

The scores (one float per review, no text and no customer id) are kept in the store's
``computed`` table (:func:`promopilot.data.queries.computed.put`) under a digest of the reviews
they were computed from (customer, product, text and rating of each, in order), of the code
that computes them (:func:`scoring_files`: promopilot's text package, the features module,
this one and every promopilot module they import) and of the versions of the libraries it
uses. Reviews that are the same give the same scores, read back exactly; any
review added, removed or changed (or other code) computes them anew. A score is not kept per
review: the model is fitted on the shop's reviews before the date (or a sample of them), so
every review's score changes when one is added before it.

Which sets stay (:func:`_dropped`), each named by its date as well (``as_of``, and whether
the features were of some customers only) and by the store's last order or event when it was
written: the set of each past campaign's send date (the models page's, the plan's and the
report's training data), and the :data:`RECENT` sets written last while the store's last order
or event is the one it was (a profile's snapshot dates and the plan's date). A set written for
a date replaces the one kept for it before (the reviews before it have changed since), and one
written after the store's data moved on drops the sets of the data before but the campaigns'.
So ingesting new orders and reviews again and again leaves one set for the current data beside
the campaigns' (where 16 sets, most of them of data gone by, used to stay); a read-only store
keeps nothing, and ``promopilot forget`` drops them all (:meth:`Store.forget`).
"""

from __future__ import annotations

import ast
import base64
import hashlib
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot import __version__
from promopilot.data.queries import computed
from promopilot.data.queries.campaigns import campaign_send_dates
from promopilot.data.store import Store

NAME = "review_sentiment"
#: sets kept beside the campaigns' for the store's current data (a profile's snapshot dates,
#: at most six, and the plan's)
RECENT = 8
_COLUMNS = ("customer_id", "product_id", "text", "rating")
_LIBRARIES = ("scikit-learn", "scipy", "numpy", "pandas", "jieba")
_CODE: list[str] = []  # the digest of the code, read once


def kept_scores(
    store: Store,
    reviews: pd.DataFrame,
    compute: Callable[[], np.ndarray],
    *,
    as_of: pd.Timestamp,
    some_customers: bool = False,
) -> np.ndarray:
    """``compute()``'s scores of `reviews` (one per row, in order), the reviews before `as_of`
    (of some customers only, with `some_customers`), as kept in `store` for the same reviews,
    or computed (and kept, when the store is writable)."""
    digest = reviews_key(reviews)
    text = computed.read_under(store, NAME, f"{digest} ")
    if text is not None:
        scores = np.frombuffer(base64.b64decode(text), dtype="<f8")
        if len(scores) == len(reviews):
            return scores.astype(float)
    scores = np.asarray(compute(), dtype=float)
    if not store.read_only:
        _, last = store.date_range()
        key = f"{digest} {_date(as_of, some_customers)} {_date(last)}"
        value = base64.b64encode(scores.astype("<f8").tobytes()).decode("ascii")
        computed.put(store, NAME, key, value, drop=_dropped(store, key))
    return scores


def _date(when: pd.Timestamp | None, some_customers: bool = False) -> str:
    """A date as a key names it (no space in it)."""
    text = "none" if when is None else pd.Timestamp(when).isoformat()
    return text + "*" if some_customers else text


def _dropped(store: Store, key: str) -> list[str]:
    """The kept sets' keys that go when the set under `key` is kept (see the module's text)."""
    _, date, data = key.split(" ")
    sends = {_date(when) for when in campaign_send_dates(store)}
    recent = int(date not in sends)  # the new set itself
    dropped = []
    for kept in computed.keys(store, NAME):  # the latest first
        parts = kept.split(" ")
        if len(parts) == 3 and parts[1] != date and parts[1] in sends:
            continue  # a past campaign's
        if len(parts) == 3 and parts[1] != date and parts[2] == data and recent < RECENT:
            recent += 1
            continue
        dropped.append(kept)  # of that date's reviews before; of data gone by; the oldest
    return dropped


def reviews_key(reviews: pd.DataFrame) -> str:
    """A digest of `reviews` (each of :data:`_COLUMNS` in row order, a missing value apart from
    any text) and of the code and libraries that score them."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_code_digest()}\x1f{len(reviews)}".encode())
    for column in _COLUMNS:
        values = reviews[column] if column in reviews else pd.Series(np.nan, index=reviews.index)
        missing = values.isna().to_numpy()
        if values.dtype == object:
            values = values.where(~missing, "").astype(str)
        hashed = pd.util.hash_pandas_object(values, index=False).to_numpy()
        digest.update(f"\x1e{column}\x1f{values.dtype}".encode())
        digest.update(np.packbits(missing).tobytes())
        digest.update(hashed.tobytes())
    return digest.hexdigest()


def library_versions(libraries: tuple[str, ...]) -> str:
    """The installed version of each of `libraries` ("none" where one is not installed), for
    the keys of kept results that those libraries compute: ``"\x1fnumpy 2.3.1\x1f..."``."""
    words = []
    for library in libraries:
        try:
            words.append(f"\x1f{library} {metadata.version(library)}")
        except metadata.PackageNotFoundError:
            words.append(f"\x1f{library} none")
    return "".join(words)


#: the modules whose code computes the scores: the model, its tokenising and lexicons (with
#: everything they import), the fitting sample's choice and how the scores are kept
_SCORING = ("promopilot.text.reviews", "promopilot.profile.features", __name__)


def _code_digest() -> str:
    """The installed promopilot's :func:`code_digest`, read once a process."""
    if not _CODE:
        _CODE.append(code_digest(Path(str(resources.files("promopilot")))))
    return _CODE[0]


def code_digest(package: Path) -> str:
    """promopilot's version, the versions of the libraries the scores use, and the path and
    bytes of each file they are computed with (:func:`scoring_files`), in path order."""
    head = __version__ + library_versions(_LIBRARIES)
    return files_digest(package, scoring_files(package), head)


def files_digest(package: Path, files: list[Path], head: str) -> str:
    """A digest of `head` and of each of `files` (its path under `package` and its bytes), in
    the order given: what kept results are keyed on (here, and serve.quality's)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(head.encode())
    for item in files:
        name = item.relative_to(package).as_posix()
        digest.update(f"\x1e{name}\x1f".encode() + item.read_bytes())
    return digest.hexdigest()


def scoring_files(package: Path) -> list[Path]:
    """The files under `package` (promopilot's folder) that the kept scores depend on: the
    text package's sources and lexicons, and every promopilot module that :data:`_SCORING`
    imports, at its top or inside a function, and that one imports in turn (the follow-up
    marker the tokeniser splits at, the star ratings the model learns from). Only the
    text package and the features module were read before: a change of the others reused
    scores computed by the code before it."""
    text = package / "text"
    files = {item for item in (text / "lexicon_data").iterdir() if item.suffix == ".txt"}
    todo = [name.removeprefix("promopilot.").split(".") for name in _SCORING]
    todo += [["text", item.stem] for item in text.iterdir() if item.suffix == ".py"]
    while todo:
        parts = todo.pop()
        module = package.joinpath(*parts)
        for item in (module / "__init__.py", module.with_suffix(".py")):
            if item.is_file() and item not in files:
                files.add(item)
                todo += [name.split(".")[1:] for name in _imported(item)]
    return sorted(files)


def _imported(source: Path) -> set[str]:
    """The promopilot modules (and the names taken from them, which may be modules) that the
    Python file `source` imports."""
    names = set()
    for node in ast.walk(ast.parse(source.read_bytes())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == "promopilot"}
