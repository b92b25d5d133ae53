"""Customer segments: classic RFM grid names and data-driven k-means clusters with generated names.

Two complementary views of a customer table:

* :func:`rfm_segments` -- the marketing-standard RFM grid. Every customer gets quintile scores
  1..5 for recency, frequency and monetary value; the (R, F) pair maps to a named segment
  ("Champions", "At risk", ...) through :data:`RF_GRID`.
* :class:`ClusterSegmenter` -- k-means on whichever numeric features the table has, with k
  picked by silhouette, and a short human-readable name and description for every cluster
  made from the features where its centroid stands out most.

The grid lives in :mod:`~promopilot.profile.rfm`, the clustering in
:mod:`~promopilot.profile.segmenter`; this module gathers their public names.
"""

from promopilot.profile.rfm import (
    NO_PURCHASES,
    RETURNS_ONLY,
    RF_GRID,
    RFM_SEGMENTS,
    rfm_scores,
    rfm_segments,
)
from promopilot.profile.segmenter import ClusterSegmenter

__all__ = [
    "NO_PURCHASES",
    "RETURNS_ONLY",
    "RFM_SEGMENTS",
    "RF_GRID",
    "ClusterSegmenter",
    "rfm_scores",
    "rfm_segments",
]
