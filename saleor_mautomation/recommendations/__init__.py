"""Recommendations: what to show a contact or a visitor next (issue 20)."""
