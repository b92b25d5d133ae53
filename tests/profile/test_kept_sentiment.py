"""The customer features' review sentiment is kept in the store under a digest of the reviews
it was computed from: the same reviews read it back (no model fitted, jieba never loaded), the
same figures to the last bit; a review added, removed or changed computes it anew."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.queries import computed
from promopilot.data.store import Store
from promopilot.profile import features, kept_sentiment
from promopilot.profile.features import build_features

SHOP = {
    "products.csv": "product_id,category,price,cost\ntea,food,10,5\nmug,home,30,12\n",
    "customers.csv": "customer_id,signup_at\na,2025-12-01\nb,2025-12-25\nc,2026-01-02\n",
    "orders.csv": (
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "o1,2026-01-01T10:00:00,a,tea,2,10\no2,2026-01-05T10:00:00,b,mug,1,30\n"
        "o3,2026-01-06T10:00:00,c,tea,1,10\n"
    ),
}
COLUMNS = ["customer_id", "product_id", "text", "rating", "timestamp"]
AS_OF = "2026-02-01"


def _reviews(customer, product, text, rating, day, n):
    """`n` reviews (a minute apart: the store keys reviews by customer, product and time)."""
    start = pd.Timestamp(day)
    return [
        (customer, product, text, rating, (start + pd.Timedelta(minutes=i)).isoformat())
        for i in range(n)
    ]


def _ingest_reviews(store: Store, folder, rows) -> None:
    folder.mkdir(exist_ok=True)
    pd.DataFrame(rows, columns=COLUMNS).to_csv(folder / "reviews.csv", index=False)
    ingest(store, folder / "reviews.csv")


@pytest.fixture()
def rated_db(tmp_path):
    """A shop with enough rated reviews (Chinese and English) for the trained model."""
    shop = tmp_path / "shop"
    shop.mkdir()
    for name, text in SHOP.items():
        (shop / name).write_text(text, encoding="utf-8")
    path = tmp_path / "shop.duckdb"
    with Store(path) as store:
        ingest(store, shop)
        rows = _reviews("a", "tea", "质量很好，很喜欢", 5, "2026-01-02", 120)
        rows += _reviews("b", "mug", "太差了，有破损", 1, "2026-01-03", 120)
        rows += _reviews("a", "mug", "lovely sturdy cup", 5, "2026-01-04", 110)
        rows += _reviews("c", "tea", "broken cheap junk", 2, "2026-01-05", 110)
        rows += _reviews("c", "mug", "还行吧 but slow delivery", 3, "2026-01-06", 3)
        _ingest_reviews(store, tmp_path / "first", rows)
    return path


@pytest.fixture()
def fits(monkeypatch) -> list[int]:
    """Counts the sentiment computations behind the features (still computing them)."""
    calls: list[int] = []
    real = features.review_sentiment

    def counted(reviews, **kwargs):
        calls.append(len(reviews))
        return real(reviews, **kwargs)

    monkeypatch.setattr(features, "review_sentiment", counted)
    return calls


def _fresh(store: Store, as_of: str) -> pd.DataFrame:
    """The features as computed with nothing kept."""
    store.execute(f"DELETE FROM {computed.TABLE} WHERE name = ?", [kept_sentiment.NAME])
    return build_features(store, as_of=as_of)


def test_the_same_reviews_reuse_the_kept_scores_and_a_review_added_computes_them_anew(
    rated_db, tmp_path, fits
):
    with Store(rated_db) as store:
        first = build_features(store, as_of=AS_OF)
        assert fits == [463]  # the trained model: 460 rated reviews and the 3-star ones
        assert (first.set_index("customer_id")["sentiment"] != 0).all()
        # an order more (as after a campaign's outcomes): the same reviews, nothing fitted
        (tmp_path / "outcomes").mkdir()
        (tmp_path / "outcomes" / "orders.csv").write_text(
            "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
            "o9,2026-01-20T10:00:00,b,tea,1,10\n"
        )
        ingest(store, tmp_path / "outcomes")
        again = build_features(store, as_of=AS_OF)
        assert fits == [463]  # before: the model was fitted again for every build
        assert again["frequency"].sum() == first["frequency"].sum() + 1
        pd.testing.assert_series_equal(again["sentiment"], first["sentiment"], check_exact=True)
        # a review after the features' date is not read: still nothing fitted
        _ingest_reviews(store, tmp_path / "late", _reviews("b", "tea", "糟糕", 1, "2026-03-01", 1))
        build_features(store, as_of=AS_OF)
        assert fits == [463]
        # a review before it is: computed anew, as with nothing kept
        _ingest_reviews(
            store, tmp_path / "more", _reviews("b", "tea", "糟糕透了", 1, "2026-01-15", 1)
        )
        added = build_features(store, as_of=AS_OF)
        assert fits == [463, 464]
        assert (
            added.set_index("customer_id").loc["b", "sentiment"]
            != (first.set_index("customer_id").loc["b", "sentiment"])
        )
        pd.testing.assert_frame_equal(added, _fresh(store, AS_OF), check_exact=True)
        assert fits == [463, 464, 464]


def test_a_changed_rating_or_text_computes_anew(rated_db, fits):
    with Store(rated_db) as store:
        build_features(store, as_of=AS_OF)
        store.execute("UPDATE reviews SET rating = 4 WHERE text LIKE '还行吧%'")
        changed = build_features(store, as_of=AS_OF)
        assert len(fits) == 2
        pd.testing.assert_frame_equal(changed, _fresh(store, AS_OF), check_exact=True)
        store.execute("UPDATE reviews SET text = 'None' WHERE text LIKE '还行吧%'")
        build_features(store, as_of=AS_OF)
        store.execute("UPDATE reviews SET text = NULL WHERE text = 'None'")
        build_features(store, as_of=AS_OF)  # a missing text is not the text 'None'
        assert len(fits) == 5


def test_kept_scores_read_back_exactly_and_a_read_only_store_keeps_none(rated_db, tmp_path, fits):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(rated_db, copy)
    with Store(copy, read_only=True) as store:
        computed_twice = [build_features(store, as_of=AS_OF) for _ in range(2)]
    assert len(fits) == 2
    with Store(rated_db) as store:
        kept_first = build_features(store, as_of=AS_OF)
        read_back = build_features(store, as_of=AS_OF)
        assert store.scalar(f"SELECT count(*) FROM {computed.TABLE}") == 1
    assert len(fits) == 3
    for frame in (*computed_twice, kept_first):
        pd.testing.assert_frame_equal(read_back, frame, check_exact=True)


def _kept(store: Store) -> list[str]:
    """The kept sets' dates (as their keys name them), the latest first."""
    keys = store.query(
        f"SELECT key FROM {computed.TABLE} WHERE name = ? ORDER BY computed_at DESC, rowid DESC",
        [kept_sentiment.NAME],
    )["key"]
    return [key.split(" ")[1] if " " in key else key for key in keys]


def test_only_the_latest_sets_of_the_current_data_are_kept(rated_db, fits):
    with Store(rated_db) as store:
        # a minute apart, between the reviews of 2026-01-04 (a minute apart): each date reads
        # one review more than the one before, so each has its own scores
        days = pd.date_range("2026-01-04 00:00:30", periods=kept_sentiment.RECENT + 2, freq="1min")
        for day in days:
            build_features(store, as_of=day)
        assert len(fits) == len(days)
        assert len(_kept(store)) == kept_sentiment.RECENT
        assert _kept(store) == [day.isoformat() for day in days[::-1][: kept_sentiment.RECENT]]
        build_features(store, as_of=days[-1])  # the latest: kept
        assert len(fits) == len(days)
        build_features(store, as_of=days[0])  # the first: no longer kept
        assert len(fits) == len(days) + 1


def test_a_date_whose_reviews_changed_keeps_one_set(rated_db, tmp_path, fits):
    """The set of the reviews before a date as they were is never read again once one is
    added before it: the new set replaces it (before, both stayed, up to 16)."""
    with Store(rated_db) as store:
        build_features(store, as_of=AS_OF)
        for i in range(3):
            _ingest_reviews(
                store, tmp_path / f"more{i}", _reviews("b", "tea", "糟糕", 1, f"2026-01-1{i}", 1)
            )
            build_features(store, as_of=AS_OF)
        assert len(fits) == 4
        assert len(_kept(store)) == 1  # before: 4
        assert _kept(store) == [pd.Timestamp(AS_OF).isoformat()]
        again = build_features(store, as_of=AS_OF)
        assert len(fits) == 4
        pd.testing.assert_frame_equal(again, _fresh(store, AS_OF), check_exact=True)


def test_new_data_again_and_again_keeps_one_set_beside_the_campaigns(rated_db, tmp_path, fits):
    """A day's orders and reviews ingested, then the features as of the campaign's send date
    (the models page's, the plan's training data) and of the store's day (the plan's): the
    store keeps the campaign's set, read back every time, and one set of the current data;
    before, a set more for every day, up to 16 (11 MB each for a million reviews)."""
    sent = "2026-01-08T09:00:00"
    folder = tmp_path / "campaign"
    folder.mkdir()
    (folder / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer_id,sent_at,propensity\n"
        + "".join(
            f"jan,{c},{o},{sent},0.5\n" for c, o in zip("abc", ["pct10", "", "pct10"], strict=True)
        )
    )
    with Store(rated_db) as store:
        ingest(store, folder / "campaigns.csv")
        for day in range(10, 16):
            when = f"2026-01-{day}T10:00:00"
            (tmp_path / f"day{day}").mkdir()
            (tmp_path / f"day{day}" / "orders.csv").write_text(
                "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
                f"d{day},{when},a,tea,1,10\n"
            )
            ingest(store, tmp_path / f"day{day}" / "orders.csv")
            _ingest_reviews(store, tmp_path / f"r{day}", [("a", "tea", "很好", 5, when)])
            campaign = build_features(store, as_of=pd.Timestamp(sent))
            build_features(store)
            assert len(_kept(store)) == 2, day  # before: a set more each day
        assert _kept(store) == [store.default_as_of().isoformat(), pd.Timestamp(sent).isoformat()]
        assert len(fits) == 1 + 6  # the campaign's once, the store's day each day
        sizes = store.query(
            f"SELECT length(value) AS n FROM {computed.TABLE} WHERE name = ?",
            [kept_sentiment.NAME],
        )["n"]
        n_reviews = store.scalar("SELECT count(*) FROM reviews")
        assert sizes.sum() <= 2 * 11 * n_reviews  # before: 7 sets of about 11 bytes a review
        pd.testing.assert_frame_equal(campaign, _fresh(store, pd.Timestamp(sent)), check_exact=True)


def test_the_key_follows_every_column_the_scores_depend_on():
    reviews = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "product_id": ["tea", "mug"],
            "text": ["好评", None],
            "rating": [5.0, np.nan],
        }
    )
    key = kept_sentiment.reviews_key(reviews)
    assert kept_sentiment.reviews_key(reviews.copy()) == key
    changes = [
        reviews.assign(customer_id=["a", "c"]),
        reviews.assign(product_id=["tea", "tea"]),
        reviews.assign(text=["好评", "None"]),
        reviews.assign(text=["好评", ""]),
        reviews.assign(rating=[4.0, np.nan]),
        reviews.assign(rating=[5.0, 1.0]),
        reviews.iloc[::-1],
        reviews.iloc[:1],
    ]
    keys = {kept_sentiment.reviews_key(changed) for changed in changes}
    assert key not in keys and len(keys) == len(changes)


def test_forgetting_a_customer_drops_what_was_kept(rated_db, fits):
    """Kept scores hold no id or text, but they were computed from the customer's reviews (as
    the models page's kept figures from their data): `promopilot forget` drops them all."""
    from promopilot.data.erase import forget_for_good

    with Store(rated_db) as store:
        build_features(store, as_of=AS_OF)
        computed.write(store, "uplift_quality", "k", '{"value": "no campaigns"}')
        assert store.scalar(f"SELECT count(*) FROM {computed.TABLE}") == 2
        forget_for_good(store, "a")
        assert store.scalar(f"SELECT count(*) FROM {computed.TABLE}") == 0
        after = build_features(store, as_of=AS_OF)
    assert len(fits) == 2 and "a" not in set(after["customer_id"])


def test_the_scores_key_follows_all_the_code_that_computes_them(tmp_path, monkeypatch):
    """The key of kept scores read promopilot's text package and the features module only: an
    edit of the follow-up marker the tokeniser splits reviews at (data/followups.py), of how
    star ratings are read for the model to learn from (data/ratings.py) or of how scores are
    kept (this module) read back the scores the code before it computed. Each now computes
    them anew; an edit of code they do not use (the server's app) keeps them."""
    from importlib import resources
    from pathlib import Path

    package = tmp_path / "promopilot"  # an edited checkout
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(Path(str(resources.files("promopilot"))), package, ignore=ignore)
    real = resources.files

    def files(anchor):
        name = anchor if isinstance(anchor, str) else anchor.__name__
        if name.split(".")[0] != "promopilot":
            return real(anchor)
        return package.joinpath(*name.split(".")[1:])

    monkeypatch.setattr(kept_sentiment.resources, "files", files)

    def key() -> str:
        monkeypatch.setattr(kept_sentiment, "_CODE", [])  # read again, as a new process would
        return kept_sentiment.reviews_key(pd.DataFrame(columns=COLUMNS))

    before = key()
    assert key() == before
    (package / "serve" / "app.py").write_text("# edited\n", encoding="utf-8")
    assert key() == before
    for edited in ("data/followups.py", "data/ratings.py", "profile/kept_sentiment.py"):
        path = package / edited
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        assert key() != before, edited
        before = key()
