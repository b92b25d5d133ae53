import pandas as pd
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from promopilot.profile.build import PROFILE_COLUMNS, build_profile, join_by_id, snapshot_dates
from promopilot.profile.features import build_features
from promopilot.synth.shop import END


@pytest.fixture(scope="module")
def profile(shop_db):
    from promopilot.data.store import Store

    with Store(shop_db, read_only=True) as store:
        return build_profile(store, as_of=END)


def test_profile_has_the_promised_columns(profile):
    assert list(profile.customers.columns[: len(PROFILE_COLUMNS)]) == PROFILE_COLUMNS
    assert profile.customers["customer_id"].is_unique
    assert profile.customers["churn_risk"].between(0, 1).all()
    assert profile.customers["rfm_segment"].notna().all()
    assert profile.segments["customers"].sum() == len(profile.customers)


def test_churn_risk_ranks_truly_churned_customers_first(profile, shop):
    c = profile.customers.set_index("customer_id")
    truth = shop.truth.set_index("customer_id").loc[c.index]
    auc = roc_auc_score(truth["churned"], c["churn_risk"])
    assert auc >= 0.80, auc


def test_expected_purchases_follow_the_hidden_activity_rate(profile, shop):
    """The hidden forward activity: the generator's purchase rate while active times the chance
    of staying active over the 90 days (zero for customers who have already churned)."""
    c = profile.customers.set_index("customer_id")
    truth = shop.truth.set_index("customer_id").loc[c.index]
    rho = spearmanr(c["expected_purchases_90d"], truth["expected_purchases_90d"]).statistic
    assert rho >= 0.6, rho
    alive = ~truth["churned"]
    rho_alive = spearmanr(
        c.loc[alive, "expected_purchases_90d"], truth.loc[alive, "activity_rate"]
    ).statistic
    assert rho_alive >= 0.6, rho_alive


def test_models_are_validated_on_a_later_window(profile):
    churn = profile.evaluation["churn"]
    assert churn is not None and churn.auc > 0.7
    assert churn.calibration["n"].sum() == churn.n


def test_join_by_id_is_a_join():
    ids = ["a", "b", "c"]
    frame = pd.DataFrame({"customer_id": ids, "x": [1.0, 2.0, 3.0]})
    aligned = pd.DataFrame({"y": [4.0, 5.0, 6.0]}, index=pd.Index(ids))
    shuffled = aligned.iloc[[2, 0]]  # other order, one missing
    for extra in (aligned, shuffled):
        pd.testing.assert_frame_equal(
            join_by_id(frame, extra, on="customer_id"), frame.join(extra, on="customer_id")
        )
        table = frame.set_index("customer_id")
        pd.testing.assert_frame_equal(join_by_id(table, extra), table.join(extra))


@pytest.mark.slow
def test_a_sampled_shop_s_snapshots_share_one_sentiment_model_from_before_them_all(
    shop_db, monkeypatch
):
    """Above MODEL_FIT_CUSTOMERS the models learn from a sample; its rolled-back snapshots
    share one sentiment model fitted on reviews before the earliest of them, and the sample's
    temporary tables are dropped at the end."""
    from promopilot.data.store import Store
    from promopilot.profile import build

    built = []

    def spy(store, *, as_of, **kwargs):
        built.append((pd.Timestamp(as_of), kwargs.get("sentiment_fn")))
        return build_features(store, as_of=as_of, **kwargs)

    monkeypatch.setattr(build, "MODEL_FIT_CUSTOMERS", 1000)
    monkeypatch.setattr(build, "build_features", spy)
    with Store(shop_db, read_only=True) as store:
        profile = build_profile(store, as_of=END)
        left = store.query(
            "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'feature_subset_%'"
        )
        dates = snapshot_dates(store, pd.Timestamp(END))
    assert left["n"].iloc[0] == 0
    snapshots = [(at, fn) for at, fn in built if at < pd.Timestamp(END)]
    assert sorted(at for at, _ in snapshots) == dates  # each date built once
    shared = {id(fn) for _, fn in snapshots}
    assert len(shared) == 1 and snapshots[0][1] is not None
    assert snapshots[0][1].fit_before == dates[0]
    assert profile.customers["sentiment"].between(-1, 1).all()
