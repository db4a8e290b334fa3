"""Land: what the platforms, files and the demo deliver, checked against each source's contract
into the raw Parquet lake (bad records quarantined with their bytes)."""
