"""Gate: what must hold before anything is published (source freshness, Great Expectations on a
candidate snapshot)."""
