"""Run every benchmark and publish the figures: ``python benchmarks/run.py``.

Runs each ``benchmarks/bench_*.py`` in its own process (one at a time, so they do not compete for
the CPU), then renders ``docs/benchmarks.md`` from ``benchmarks/results/*.json``: the machine, one
table row per figure with its median, target, pass/fail and the command that reproduces it, and the
benchmarks that failed to run.

    python benchmarks/run.py                    # everything, then docs/benchmarks.md
    python benchmarks/run.py --only load,mlflow # some of them
    python benchmarks/run.py --render           # only re-render the docs from existing results
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from harness import BENCH_DIR, RESULTS_DIR, ROOT

DOC_PATH = ROOT / "docs" / "benchmarks.md"
RUNS_PATH = RESULTS_DIR / "_runs.json"

# Keys other scripts may use for a figure's central value and its target, most specific first.
VALUE_KEYS = ("median", "p50", "median_ms", "p50_ms", "median_s", "seconds", "value", "ratio")
TARGET_KEYS = ("target", "target_ms", "target_s", "target_ratio", "goal_value")
HIGHER_IS_BETTER_WORDS = ("ratio", "speedup", "per_s", "/s", "throughput", "faster")
PACKAGES = ("jupyter_server", "tornado", "numpy", "pandas", "boto3", "moto", "mlflow", "sagemaker")


def bench_scripts() -> dict[str, Path]:
    return {path.stem.removeprefix("bench_"): path for path in sorted(BENCH_DIR.glob("bench_*.py"))}


def run_benchmarks(names: list[str], timeout: float) -> dict[str, dict[str, Any]]:
    """Run each script; a failure or timeout is recorded and the others still run."""
    runs: dict[str, dict[str, Any]] = (
        json.loads(RUNS_PATH.read_text()) if RUNS_PATH.exists() else {}
    )
    scripts = bench_scripts()
    for name in names:
        script = scripts[name]
        print(f"\n=== {script.relative_to(ROOT)}", flush=True)
        started = time.perf_counter()
        try:
            completed = subprocess.run(
                [sys.executable, str(script)],
                cwd=ROOT,
                timeout=timeout,
                stderr=subprocess.PIPE,
                text=True,
            )
            returncode: int | None = completed.returncode
            stderr = completed.stderr
            sys.stderr.write(stderr[-4000:])
        except subprocess.TimeoutExpired as expired:
            returncode = None
            raw = expired.stderr or ""
            stderr = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
        runs[name] = {
            "command": f"python benchmarks/{script.name}",
            "returncode": returncode,
            "timed_out": returncode is None,
            "seconds": round(time.perf_counter() - started, 1),
            "stderr_tail": stderr.strip().splitlines()[-5:],
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        RUNS_PATH.write_text(json.dumps(runs, indent=2) + "\n")
    return runs


# ---------------------------------------------------------------------------------------------
# The machine


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return {
        "CPU": cpu,
        "Cores": f"{os.cpu_count()} logical ({usable} usable by this process)",
        "RAM": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Packages": ", ".join(versions),
    }


# ---------------------------------------------------------------------------------------------
# Reading result files


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _unit_of(key: str, node: dict[str, Any]) -> str:
    if isinstance(node.get("unit"), str):
        return str(node["unit"])
    for suffix, unit in (("_ms", "ms"), ("_s", "s"), ("_seconds", "s")):
        if key.endswith(suffix):
            return unit
    return ""


def _figure_from_node(name: str, node: dict[str, Any]) -> dict[str, Any] | None:
    """A figure from a dict that carries a central value under one of VALUE_KEYS."""
    for key in VALUE_KEYS:
        value = _number(node.get(key))
        if value is None:
            continue
        target = next(
            (_number(node[k]) for k in TARGET_KEYS if _number(node.get(k)) is not None), None
        )
        goal = node.get("goal") if node.get("goal") in ("<=", ">=") else None
        if goal is None:
            lowered = f"{name} {key}".lower()
            goal = ">=" if any(word in lowered for word in HIGHER_IS_BETTER_WORDS) else "<="
        passed = node.get("passed", node.get("pass", node.get("ok")))
        if not isinstance(passed, bool):
            passed = None
            if target is not None and math.isfinite(value):
                passed = value <= target if goal == "<=" else value >= target
        return {
            "name": str(node.get("name") or node.get("label") or name),
            "value": value,
            "unit": _unit_of(key, node),
            "stat": "p50" if key.startswith("p50") else ("median" if "median" in key else key),
            "target": target,
            "goal": goal,
            "passed": passed,
        }
    return None


def figures_of(document: Any) -> list[dict[str, Any]]:
    """The figures of one result file: ``{"figures": [...]}`` as harness writes it, or any nesting
    of dicts/lists where a dict with a median-like key is a figure (named by its path)."""
    if isinstance(document, dict) and isinstance(document.get("figures"), list):
        out = []
        for raw in document["figures"]:
            figure = (
                _figure_from_node(str(raw.get("name", "")), raw) if isinstance(raw, dict) else None
            )
            if figure:
                out.append(figure)
        return out
    found: list[dict[str, Any]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            figure = _figure_from_node(" / ".join(path) or "result", node)
            if figure:
                found.append(figure)
                return
            for key, child in node.items():
                if key in ("machine", "command", "notes"):
                    continue
                walk(child, [*path, str(key)])
        elif isinstance(node, list) and len(node) <= 200:
            for index, child in enumerate(node):
                label = child.get("name") if isinstance(child, dict) else None
                walk(child, [*path, str(label or index)])

    walk(document, [])
    return found


def load_results() -> dict[str, dict[str, Any]]:
    results = {}
    for path in sorted(RESULTS_DIR.glob("*.json")):
        if path.name.startswith("_"):
            continue
        try:
            results[path.stem] = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            results[path.stem] = {"unreadable": str(error)}
    return results


# ---------------------------------------------------------------------------------------------
# Rendering


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "n/a"
    magnitude = abs(value)
    shown = (
        f"{value:,.0f}"
        if magnitude >= 1000
        else f"{value:.3g}"
        if magnitude < 10
        else f"{value:.1f}"
    )
    return f"{shown} {unit}".strip()


def _target(figure: dict[str, Any]) -> str:
    if figure["target"] is None:
        return "—"
    return f"{figure['goal']} {_format(figure['target'], figure['unit'])}"


def _measured(figure: dict[str, Any]) -> str:
    stat = "" if figure["stat"] in ("median", "value") else f" ({figure['stat']})"
    return f"{_format(figure['value'], figure['unit'])}{stat}"


VERDICT = {True: "pass", False: "**fail**", None: "—"}


def render(results: dict[str, dict[str, Any]], runs: dict[str, dict[str, Any]]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Every figure below comes from one command, on the machine described here:",
        "",
        "```sh",
        "python benchmarks/run.py        "
        "# runs every benchmarks/bench_*.py, then rewrites this page",
        "```",
        "",
        "Each figure also names the command that reproduces it alone. Figures are medians (or the",
        "percentile named) over repeated runs; "
        "a benchmark is never a timed assertion in the test suite.",
        "This page is re-rendered from `benchmarks/results/*.json` "
        "with `python benchmarks/run.py --render`.",
        "Why a figure fell short of its goal, and the plan, is in "
        "[proof.md](proof.md#short-of-a-goal).",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {_cell(value)} |" for key, value in machine().items()]
    commands = {
        name: document.get("command")
        or runs.get(name, {}).get("command")
        or f"python benchmarks/bench_{name}.py"
        for name, document in results.items()
    }
    figures = {name: figures_of(document) for name, document in results.items()}
    lines += [
        "",
        "## Goals",
        "",
        "| benchmark | figure | measured | target | result | reproduce |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    short: list[str] = []
    for name, listed in figures.items():
        for figure in listed:
            if figure["target"] is None:
                continue
            lines.append(
                f"| {_cell(name)} | {_cell(figure['name'])} "
                f"| {_measured(figure)} | {_target(figure)} "
                f"| {VERDICT[figure['passed']]} | `{commands[name]}` |"
            )
            if figure["passed"] is False:
                short.append(
                    f"{name}: {figure['name']}: "
                    f"measured {_measured(figure)}, target {_target(figure)}"
                )
    lines += ["", "## Every figure"]
    for name, document in results.items():
        title = document.get("title") or name
        lines += ["", f"### {_cell(title)}", "", f"`{commands[name]}`"]
        when = document.get("measured_at")
        load = document.get("load_average")
        if when or isinstance(load, dict):
            about = [f"measured {when}"] if when else []
            if isinstance(load, dict):
                about.append(
                    f"machine load average (1 min) {load.get('start')} at the start, "
                    f"{load.get('end')} at the end"
                )
            lines += ["", "; ".join(about) + "."]
        if not figures[name]:
            lines += ["", f"(no figures found in `benchmarks/results/{name}.json`)"]
            continue
        lines += ["", "| figure | measured | target | result |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {_cell(f['name'])} | {_measured(f)} | {_target(f)} | {VERDICT[f['passed']]} |"
            for f in figures[name]
        ]
        notes = [note for note in document.get("notes", []) if isinstance(note, str)]
        if notes:
            lines += [""] + [f"- {_cell(note)}" for note in notes]
    failed = {name: run for name, run in runs.items() if run.get("returncode") != 0}
    lines += ["", "## Short of a goal, or did not run", ""]
    if not short and not failed:
        lines.append("Nothing: every goal was met and every benchmark ran.")
    lines += [f"- {_cell(item)}" for item in short]
    for run in failed.values():
        why = "timed out" if run.get("timed_out") else f"exited {run.get('returncode')}"
        tail = " / ".join(run.get("stderr_tail") or [])
        lines.append(f"- `{run['command']}` {why} at {run.get('finished_at')}: {_cell(tail)}")
    missing = sorted(set(bench_scripts()) - set(results))
    if missing:
        lines += [
            "",
            "Benchmarks with no result file yet: "
            + ", ".join(f"`bench_{m}.py`" for m in missing)
            + ".",
        ]
    rendered_at = datetime.now(timezone.utc).isoformat(timespec="minutes")
    lines += ["", f"_Rendered {rendered_at} by `benchmarks/run.py`._", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated benchmark names (bench_<name>.py)")
    parser.add_argument("--skip", help="comma-separated benchmark names to leave out")
    parser.add_argument("--render", action="store_true", help="only re-render docs/benchmarks.md")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per benchmark script")
    args = parser.parse_args(argv)
    scripts = bench_scripts()
    names = list(scripts)
    if args.only:
        names = [name.strip() for name in args.only.split(",")]
        unknown = [name for name in names if name not in scripts]
        if unknown:
            parser.error(
                f"no benchmarks/bench_<name>.py for: {', '.join(unknown)}; "
                f"known: {', '.join(scripts)}"
            )
    if args.skip:
        names = [name for name in names if name not in args.skip.split(",")]
    runs = json.loads(RUNS_PATH.read_text()) if RUNS_PATH.exists() else {}
    if not args.render:
        runs = run_benchmarks(names, args.timeout)
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(render(load_results(), runs))
    print(f"\nwrote {DOC_PATH.relative_to(ROOT)}")
    return (
        0 if all(runs.get(name, {}).get("returncode") == 0 for name in names) or args.render else 1
    )


if __name__ == "__main__":
    sys.exit(main())
