"""The shop's live connection and the owner's dashboard: a FastAPI app (see docs/serve.md).

:func:`promopilot.serve.app.create_app` builds the app around an open store and a
:class:`promopilot.serve.state.ServingState`; ``promopilot serve`` runs it on uvicorn.
"""
