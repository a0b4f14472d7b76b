"""`leadscore demo` and `leadscore init`: sample data, the demo model and the starter model.

`generate(out_dir)` writes a deterministic, realistic B2B funnel (contacts, events, outcomes);
`DEMO_MODEL` is the model the demo scores it with; `STARTER_MODEL` is the commented model
`leadscore init` writes for a new user.
"""

from __future__ import annotations

from pathlib import Path

from leadscore.demo.generator import DemoData, generate

DEMO_MODEL = Path(__file__).with_name("demo_model.yaml")
STARTER_MODEL = Path(__file__).with_name("starter_model.yaml")


def starter_model_text() -> str:
    """The starter model, as `leadscore init` writes it."""
    return STARTER_MODEL.read_text(encoding="utf-8")


__all__ = ["DEMO_MODEL", "STARTER_MODEL", "DemoData", "generate", "starter_model_text"]
