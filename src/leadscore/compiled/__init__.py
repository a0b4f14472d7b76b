"""The compiled form of a model: a small typed intermediate representation, engine-independent.

`compile_model` lowers a validated model once; the SQL builder turns this form into a sqlglot
syntax tree for a dialect. Nothing here knows about SQL text.
"""

from leadscore.compiled.lower import compile_model

__all__ = ["compile_model"]
