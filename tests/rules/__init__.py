"""Tests of review.rules, the anomaly-rule engine (no Django needed)."""
