import pytest
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from promopilot.profile.build import PROFILE_COLUMNS, build_profile
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
