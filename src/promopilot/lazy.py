"""Lazy exports for the area packages: ``from promopilot.uplift import XLearner`` imports the
module that defines ``XLearner`` on first use, so importing a package loads no heavy library
(LightGBM, scikit-learn, implicit, torch) until an estimator that needs it is asked for."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: MutableMapping[str, object]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A package's module-level ``__getattr__`` and ``__dir__`` for `exports` (public name ->
    the module defining it); a name is imported once, then kept in the package's `namespace`
    (its ``globals()``)."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # looked up once
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
