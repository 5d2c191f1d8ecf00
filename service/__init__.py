"""The applications built on the scoring library.

The HTTP API (:mod:`service.app`), the ``mizan`` command line (:mod:`service.cli`), and batch
scoring, ingest and the Dask and Spark glue (:mod:`service.batch`).
"""
