"""The 说明 against the tables: its figures, its words, its years and template text left in (issue 12)."""

from __future__ import annotations
