"""Score output: the column layout (SPEC §3 item 12) and writers for CSV, Parquet and JSON Lines."""
