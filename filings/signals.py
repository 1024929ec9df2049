"""Signals other apps listen to, so filings never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that stored a parse; receivers defer their work to on_commit.
# Arguments: filing.
filing_parsed = Signal()
