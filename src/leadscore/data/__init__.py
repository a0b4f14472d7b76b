"""Data in: contacts, events, outcomes and feedback from CSV, Parquet and JSON Lines.

Readers keep each row's line number; normalisation types the values by the model's `fields`,
reports bad rows with file, line and reason, and keeps every good row.
"""
