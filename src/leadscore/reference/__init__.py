"""The reference evaluator: SPEC §3 as plain Python, the oracle every engine is tested against."""

from leadscore.reference.evaluator import evaluate_contact, evaluate_program, score_rows

__all__ = ["evaluate_contact", "evaluate_program", "score_rows"]
