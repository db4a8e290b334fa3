"""Transform: enrichment of inbound texts, the dbt project on DuckDB or Spark, and the semantic
layer its marts define."""
