"""Project exceptions: each is also the builtin (or scikit-learn) error callers expect."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pandas as pd
import pytest
import sklearn.exceptions

from promopilot.cli import main
from promopilot.exceptions import NotFittedError, PromopilotError
from promopilot.recommend.neighbors import PopularityRecommender
from promopilot.uplift.models import TLearner


def test_not_fitted_error_is_scikit_learns_and_ours():
    assert issubclass(NotFittedError, sklearn.exceptions.NotFittedError)
    assert issubclass(NotFittedError, PromopilotError)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    # code written for scikit-learn catches an unfitted promopilot estimator
    with pytest.raises(sklearn.exceptions.NotFittedError, match="TLearner is not fitted"):
        TLearner().predict(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(sklearn.exceptions.NotFittedError, match="PopularityRecommender"):
        PopularityRecommender().recommend(["c1"])
    again = pickle.loads(pickle.dumps(NotFittedError("not fitted")))
    assert type(again) is NotFittedError and str(again) == "not fitted"


def test_not_fitted_error_in_a_command_is_one_line(tmp_path, monkeypatch, capsys):
    import promopilot.data.summary as summary

    def unfitted(store):
        raise NotFittedError("BetaGeoModel is not fitted; call fit() first")

    monkeypatch.setenv("PROMOPILOT_LOG", str(tmp_path / "promopilot.log"))
    monkeypatch.setattr(summary, "shop_summary", unfitted)
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text(
        "order_id,timestamp,customer_id,product_id,quantity,unit_price\n"
        "A1,2025-01-02 10:00:00,c1,p1,1,10\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as done:
        main(["summary", "--data", str(shop)])
    err = capsys.readouterr().err
    assert done.value.code == 1
    assert err == "error: BetaGeoModel is not fitted; call fit() first\n"


def test_the_exceptions_do_not_import_scikit_learn():
    """The CLI imports the exceptions for every command; scikit-learn takes seconds to import."""
    code = "import sys, promopilot.exceptions, promopilot.cli; print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
