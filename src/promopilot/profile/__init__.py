"""promopilot.profile."""
