"""The review loop (SPEC §7): evaluate a model against what sales made of the leads.

Small modules by concept: :mod:`labels` (who converted in the horizon, who is evaluated),
:mod:`metrics` (AUC, gains, lift, deciles, bands), :mod:`funnel` (MQL funnel, sales acceptance),
:mod:`rules` (per-rule firing, lift and suggestions), :mod:`journeys` (the leads the score got
most wrong), :mod:`report` (the typed report), :mod:`text`, :mod:`html` and :mod:`charts` (its
renderings), and :mod:`evaluate`, which runs the steps on an open session.
"""
