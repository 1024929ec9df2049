"""Text normalisation: as printed (no whitespace), and folded for matching (NFKC, no whitespace)."""

from __future__ import annotations

from budget_filing.text import nfkc, squash


def test_squash_drops_every_kind_of_whitespace() -> None:
    assert squash(" 考试 考务\n经费\u3000") == "考试考务经费"
    assert squash(None) == ""
    assert squash("（一）") == "（一）"  # as printed: full-width stays


def test_nfkc_folds_full_width_forms() -> None:
    assert nfkc("（一）考试：１００％") == "(一)考试:100%"
    assert nfkc("＝ １００ ％") == "=100%"
    assert nfkc(None) == ""


def test_nfkc_leaves_no_whitespace_even_where_folding_makes_some() -> None:
    # NFKC turns an ideographic space and a no-break space into plain spaces.
    assert nfkc("a\u3000b\u00a0c") == "abc"


def test_non_text_is_read_as_text() -> None:
    assert squash(2024) == "2024" and nfkc(12.5) == "12.5"
