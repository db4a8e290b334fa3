"""groundswell."""
