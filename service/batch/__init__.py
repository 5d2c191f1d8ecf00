"""Archives in and out of the scoring library: ``mizan batch``, ``mizan ingest``, Dask and Spark.

* :mod:`mizan.service.batch.runner` scores a JSONL, CSV or Parquet archive resumably
  (:func:`~mizan.service.batch.runner.run_batch`); :mod:`mizan.service.batch.command` is its command
  line.
* :mod:`mizan.service.batch.ingest` stores an archive in the article store (``mizan ingest``).
* :mod:`mizan.service.batch.distributed` scores inside Dask (``map_partitions``) or Spark
  (``mapInPandas``).
* :mod:`mizan.service.batch.formats`, :mod:`~mizan.service.batch.columns`,
  :mod:`~mizan.service.batch.readers`,
  :mod:`~mizan.service.batch.reports` and :mod:`~mizan.service.batch.output` are the file I/O they
  share: formats, the column mapping, streamed readers, report writers and a run's output files.
"""
