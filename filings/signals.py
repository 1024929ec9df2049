"""Signals other apps listen to, so filings never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that stored a parse; receivers defer their work to on_commit.
# Arguments: filing.
filing_parsed = Signal()

# Sent inside a re-parse's transaction right before a document's tables in a filing are deleted
# to be read again. Arguments: filing, document, places ({table id: its place in the document}).
# A receiver may return a function; it is called with {place: new table} once the new tables are
# stored, so what hangs off a table (a reviewer's flag) follows it to the table read at its place.
tables_replacing = Signal()
