"""The applications built on the scoring library.

The HTTP API (:mod:`mizan.service.app`), the ``mizan`` command line (:mod:`mizan.service.cli`), and
batch scoring, ingest and the Dask and Spark glue (:mod:`mizan.service.batch`).
"""
