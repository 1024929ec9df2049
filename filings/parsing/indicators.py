"""Reading a performance indicator's value: the contract's grammar (`budget_filing.values`).

Indicator values stay as printed in the parsed filing; `parse_indicator_value` gives the
columns the stored Indicator keeps beside them (operator, number, quantity, deadline).
"""

from __future__ import annotations

from budget_filing.values import parse_indicator_value

__all__ = ["parse_indicator_value"]
