"""The executive dashboards (Dash, one page per business question)."""
