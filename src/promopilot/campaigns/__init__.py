"""promopilot.campaigns."""
