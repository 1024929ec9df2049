"""Counts the fuzz cases run and prints the figure at the end of the session."""

from __future__ import annotations

from collections import Counter

import pytest

# Filled by test_parse_fuzz: the outcome of every case, by status and by mutation kind.
FUZZ_TALLY: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    total = FUZZ_TALLY.get("cases", 0)
    if not total:
        return
    parts = ", ".join(f"{key} {value}" for key, value in sorted(FUZZ_TALLY.items()) if key != "cases")
    terminalreporter.write_line(f"parser fuzz: {total} mutated PDFs parsed ({parts})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes seconds, not milliseconds; still runs in CI by default")
