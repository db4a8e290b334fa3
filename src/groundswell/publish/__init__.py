"""Publish: validated candidates become the snapshot every reader opens; kept snapshots roll back."""
