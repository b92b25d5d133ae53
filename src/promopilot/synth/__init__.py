"""Synthetic shops with a hidden truth, and the oracle that scores plans against it.

Only the CLI (`demo`, `synth`), the tests and the benchmarks import this package."""
