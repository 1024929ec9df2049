"""Review models (findings, flags, sign-off) arrive with the review workspace."""
