"""The influencers domain of the dashboards: its page, queries and figures."""
