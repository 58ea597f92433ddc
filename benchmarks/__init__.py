"""Benchmarks: scripts run as `python benchmarks/<name>.py`, and the helpers they share."""
