"""Run: the steps of each pipeline, and who runs them (the CLI, Airflow's DAGs, the local stack)."""
