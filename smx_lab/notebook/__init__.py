"""smx-lab in a notebook: the ``%smx`` magics (:mod:`.magics`, parsed by :mod:`.arguments`),
``ExperimentAnalytics`` / ``TrialAnalytics`` (:mod:`.analytics`), and the DataFrames both answer
with (:mod:`.frames`). Nothing here imports jupyter_server or tornado."""
