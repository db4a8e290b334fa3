"""What the domains' pages, queries and figures share."""
