"""promopilot.offers."""
