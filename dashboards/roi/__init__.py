"""The roi domain of the dashboards: its page, queries and figures."""
