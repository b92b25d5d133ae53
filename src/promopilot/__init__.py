"""promopilot: which customer gets which offer, and proof that it paid."""

__version__ = "0.1.0"
