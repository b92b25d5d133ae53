"""promopilot.uplift."""
