"""Archives in and out of the scoring library: ``mizan batch``, ``mizan ingest``, Dask and Spark.

* :mod:`service.batch.runner` scores a JSONL, CSV or Parquet archive resumably
  (:func:`~service.batch.runner.run_batch`); :mod:`service.batch.command` is its command line.
* :mod:`service.batch.ingest` stores an archive in the article store (``mizan ingest``).
* :mod:`service.batch.distributed` scores inside Dask (``map_partitions``) or Spark
  (``mapInPandas``).
* :mod:`service.batch.formats`, :mod:`~service.batch.columns`, :mod:`~service.batch.readers`,
  :mod:`~service.batch.reports` and :mod:`~service.batch.output` are the file I/O they share:
  formats, the column mapping, streamed readers, report writers and a run's output files.
"""
