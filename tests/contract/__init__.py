"""Tests of budget_filing, the `budget-filing/1` contract package (no Django, no pdfplumber)."""
