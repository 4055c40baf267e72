"""Adds to the test store a trial component whose texts are HTML, to check the UI shows them as
text.

The parameter value, the artifact value and the status message go through the tracking API, as a
user's code would write them. The tracking API refuses a display name outside SageMaker's name
pattern (as SageMaker does), so the display name is written straight into the store's file: the
browser must stay safe whatever a store holds.
"""

from __future__ import annotations

import sqlite3
import sys

from smx_lab import Run, TrialComponent
from smx_lab.model import Status

HTML = "<img src=x onerror=alert(1)>"
EXPERIMENT = "untrusted-text"
RUN = "html-values"


def main(db_path: str) -> None:
    with Run(experiment_name=EXPERIMENT, run_name=RUN) as run:
        run.log_parameter("note", HTML)
        run.log_parameter("learning-rate", 0.5)
        run.log_artifact("report", f"https://example.com/{HTML}", media_type="text/html")
        run.log_metric(name="loss", value=0.25, step=1)
        component_name = run.trial_component_name
    component = TrialComponent.load(component_name)
    component.status = Status("Completed", message=f"finished: {HTML}")
    component.save()
    with sqlite3.connect(db_path) as connection:
        connection.execute(
            "UPDATE trial_components SET display_name = ? WHERE name = ?",
            (f"run {HTML}", component_name),
        )
    print(
        f"seeded {component_name} with HTML in its display name, a parameter, an artifact value "
        "and its status"
    )


if __name__ == "__main__":
    main(sys.argv[1])
