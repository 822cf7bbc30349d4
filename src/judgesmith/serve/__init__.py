"""judgesmith.serve: the HTTP judge server (`create_app` in `judgesmith.serve.app`; FastAPI imported lazily)."""
