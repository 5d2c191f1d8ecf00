"""The Mizan HTTP API: ``create_app()`` builds it, ``mizan serve`` runs it with uvicorn."""
