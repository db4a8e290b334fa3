"""The overview domain of the dashboards: its page, queries and figures."""
