"""Across a 部门预算公开 package: the identities its tables hold by construction, and completeness (issue 12)."""

from __future__ import annotations
