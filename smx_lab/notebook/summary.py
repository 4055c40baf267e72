"""What ``%smx show`` answers: one trial component as HTML, Markdown or text."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..model import TrialComponent, iso
from ..vocabulary import SUMMARY_STATISTICS


@dataclass
class ComponentSummary:
    """What ``%smx show`` answers: one trial component, rendered as HTML, Markdown or text.

    Every string from the store is escaped: a display name or a parameter value is data, never
    markup."""

    component: TrialComponent
    #: More (title, header, rows) sections after the component's own: its job's (job_summary).
    extra: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """(title, header, rows) for each part of the summary, in reading order."""
        component = self.component
        overview = _overview(component)
        parts: list[tuple[str, list[str], list[list[str]]]] = [
            ("Trial component", ["Property", "Value"], overview),
            (
                "Parameters",
                ["Name", "Value"],
                [[name, _format_value(value)] for name, value in component.parameters.items()],
            ),
            (
                "Metrics",
                ["Name", *SUMMARY_STATISTICS],
                [
                    [m.metric_name]
                    + [_format_value(m.statistic(s)) for s in SUMMARY_STATISTICS[:-1]]
                    + [str(m.count)]
                    for m in component.metrics
                ],
            ),
        ]
        for title, artifacts in (
            ("Input artifacts", component.input_artifacts),
            ("Output artifacts", component.output_artifacts),
        ):
            parts.append(
                (
                    title,
                    ["Name", "MediaType", "Value"],
                    [[name, a.media_type or "", a.value] for name, a in artifacts.items()],
                )
            )
        parts.append(
            (
                "Parents",
                ["Trial", "Experiment"],
                [[p.trial_name, p.experiment_name] for p in component.parents],
            )
        )
        parts.extend(self.extra)
        return parts

    def _repr_html_(self) -> str:
        out = ['<div class="smx-lab-component">']
        for title, header, rows in self.sections():
            out.append(f"<h4>{html.escape(title)}</h4>")
            if not rows:
                out.append("<p><em>none</em></p>")
                continue
            out.append("<table><thead><tr>")
            out.extend(f"<th>{html.escape(cell)}</th>" for cell in header)
            out.append("</tr></thead><tbody>")
            for row in rows:
                out.append(
                    "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                )
            out.append("</tbody></table>")
        out.append("</div>")
        return "".join(out)

    def _repr_markdown_(self) -> str:
        out: list[str] = []
        for title, header, rows in self.sections():
            out.append(f"#### {_markdown_escape(title)}\n")
            if not rows:
                out.append("_none_\n")
                continue
            out.append("| " + " | ".join(_markdown_escape(c) for c in header) + " |")
            out.append("|" + "---|" * len(header))
            out.extend("| " + " | ".join(_markdown_escape(c) for c in row) + " |" for row in rows)
            out.append("")
        return "\n".join(out)

    def __repr__(self) -> str:
        out: list[str] = []
        for title, _header, rows in self.sections():
            out.append(f"{title}:")
            if not rows:
                out.append("  (none)")
            out.extend("  " + "  ".join(row) for row in rows)
        return "\n".join(out)


def _format_value(value: str | float) -> str:
    # Ten significant digits: 64.0 reads "64" and a float sum's 0.8300000000000001 reads "0.83".
    return value if isinstance(value, str) else f"{value:.10g}"


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()<>#+-.!|~"})


def _markdown_escape(text: str) -> str:
    # Newlines would end a table row; a backslash in front of each special keeps text literal.
    return " ".join(text.split("\n")).translate(_MARKDOWN_SPECIAL)


def _overview(component: TrialComponent) -> list[list[str]]:
    """The summary's first section: name, status, source and times."""
    status = component.status
    overview = [
        ["Name", component.trial_component_name],
        ["Display name", component.display_name or component.trial_component_name],
        ["Status", status.primary_status if status else ""],
    ]
    if status and status.message:
        overview.append(["Message", status.message])
    if component.source:
        overview.append(["Source", component.source.source_arn])
    for label, moment in (
        ("Start time", component.start_time),
        ("End time", component.end_time),
        ("Created", component.creation_time),
        ("Last modified", component.last_modified_time),
    ):
        if moment is not None:
            overview.append([label, iso(moment) or ""])
    return overview
