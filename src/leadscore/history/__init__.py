"""Model history: versions from a folder or git, side by side, diffs and review reminders.

- :mod:`.versions`: one version of a model (who, when, why, and the validated model);
- :mod:`.folder` and :mod:`.git`: where versions come from; :mod:`.sources` picks one and
  resolves the names `leadscore diff` is given;
- :mod:`.table`: the side-by-side table; :mod:`.export`: CSV; :mod:`.html`: one HTML file;
- :mod:`.diff`: what changed, in words; :mod:`.describe`: model parts in words;
- :mod:`.review` and :mod:`.status`: when the next review is due.
"""
