"""leadscore: explainable lead scoring compiled to SQL.

The public Python API lives in :mod:`leadscore.app`; importing this package stays cheap
(heavy engines are imported where they are used).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
