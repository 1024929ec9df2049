"""The `budget-filing/1` contract: the words every part of Budget Review shares.

A pure package (no Django, no pdfplumber): table kinds and grid roles, column sets and
sides, units and their factors, text normalisation and the `TypedDict`s of the document.
The parser writes documents in these words, `filings` stores them, `review` and its rules
read them; nobody else spells them. The format itself is described in
`tests/corpus/SCHEMA.md`.
"""

from __future__ import annotations

SCHEMA = "budget-filing/1"
ANOMALY_SCHEMA = "budget-anomalies/1"
