"""Blind, property-based tests of reading any hotel's requests (issue 17, item 6); see README.md here."""
