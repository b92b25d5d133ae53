"""The Python API's entry points: each subpackage exports its main estimators and functions
(docs/python-api.md), and importing the packages stays light: the heavy libraries load with
the first name that needs them, never on ``import promopilot`` or ``import promopilot.<area>``."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest
from sklearn.base import BaseEstimator

PACKAGES = ("data", "profile", "uplift", "recommend", "offers", "campaigns", "text")
HEAVY = ("sklearn", "lightgbm", "scipy", "duckdb", "pandas", "plotly", "implicit", "torch")

# what a notebook reaches for first, by the short import the guide uses
ENTRY_POINTS = {
    "data": ("Store", "IngestReport", "interactions", "catalogue", "campaign_list"),
    "profile": ("build_profile", "build_features", "ChurnModel", "WindowModel", "window_tables"),
    "uplift": ("TLearner", "XLearner", "DRLearner", "PooledXLearner", "qini_auc_score"),
    "recommend": ("make_model", "ItemKNNRecommender", "EASERecommender", "HybridRecommender"),
    "offers": ("build_plan", "PlanResult", "model_matrix"),
    "campaigns": ("campaign_training_data", "evaluate_policy", "off_policy_value"),
    "text": ("review_sentiment", "SentimentModel", "LexiconSentiment"),
}


@pytest.mark.parametrize("package", PACKAGES)
def test_each_area_exports_its_entry_points(package):
    module = importlib.import_module(f"promopilot.{package}")
    assert set(ENTRY_POINTS[package]) <= set(module.__all__)
    assert set(module.__all__) <= set(dir(module))  # tab completion lists them
    for name in module.__all__:
        value = getattr(module, name)
        defined_in = getattr(value, "__module__", None)
        if defined_in is not None:  # a class or function: the very object of its module
            assert getattr(importlib.import_module(defined_in), name) is value
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = module.Nope


@pytest.mark.parametrize("package", PACKAGES)
def test_no_export_is_named_like_a_module_of_its_package(package):
    """Importing a submodule sets the package's attribute of that name to the module: an
    export named like one (`promopilot.data.ingest`) would be the function or the module
    depending on what was imported first."""
    module = importlib.import_module(f"promopilot.{package}")
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    assert not submodules & set(module.__all__)


def test_exported_estimators_follow_scikit_learn():
    from promopilot.profile import ChurnModel
    from promopilot.recommend import ItemKNNRecommender
    from promopilot.text import SentimentModel
    from promopilot.uplift import DRLearner, TLearner, XLearner

    for cls in (TLearner, XLearner, DRLearner, ItemKNNRecommender, ChurnModel, SentimentModel):
        assert issubclass(cls, BaseEstimator)


def test_importing_the_packages_loads_no_heavy_library():
    imports = "; ".join(f"import promopilot.{p}" for p in PACKAGES)
    code = (
        f"import sys, promopilot; {imports}; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
