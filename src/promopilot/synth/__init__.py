"""Synthetic shops with a hidden truth, and the oracle that scores plans against it.

``shop.make_shop`` is the default shop (one fixed structure); ``worldgen.make_world`` draws a
world whose structure varies with its seed (``worlds.draw_world``; see docs/worlds.md).
Only the CLI (`demo`, `synth`), the tests and the benchmarks import this package."""
