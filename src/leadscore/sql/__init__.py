"""SQL generation: the compiled form as a sqlglot syntax tree, rendered per dialect."""
