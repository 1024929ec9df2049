"""Filings: departments, their budget filings and the uploaded documents, and the parse pipeline."""
