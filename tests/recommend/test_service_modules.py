"""Models by name (``registry``) and the benchmark protocol (``protocol``) live in modules of
their own: what other modules import from :mod:`promopilot.recommend.service` and the package
is still there, the same objects."""

from __future__ import annotations

import promopilot.recommend as recommend
from promopilot.recommend import protocol, registry, service


def test_the_service_module_gives_the_names_other_modules_import():
    assert service.make_model is registry.make_model is recommend.make_model
    assert service.MODEL_NAMES is registry.MODEL_NAMES is recommend.MODEL_NAMES
    assert service.protocol_benchmark is protocol.protocol_benchmark
    assert recommend.protocol_benchmark is protocol.protocol_benchmark
    assert service.GRIDS is protocol.GRIDS and service.HYBRID_FOLDS == protocol.HYBRID_FOLDS
    assert set(service.__all__) <= set(dir(service))
