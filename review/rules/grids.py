"""Arithmetic inside any table, typed or grid: codes, 合计/小计 rows and columns, sides (issue 12)."""

from __future__ import annotations
