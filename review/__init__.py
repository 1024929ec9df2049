"""Review: anomaly findings, flags and sign-off of parsed filings."""
