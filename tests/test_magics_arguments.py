"""``%smx`` argument handling in a real IPython shell: help, usage errors, the cell body."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from smx_lab.notebook.arguments import HelpShown, UsageError, parse_arguments


@pytest.fixture
def shell() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "smx_lab")
    return shell


def test_load_ext_registers_line_and_cell_magic(shell: InteractiveShell) -> None:
    assert "smx" in shell.magics_manager.magics["line"]
    assert "smx" in shell.magics_manager.magics["cell"]


def test_help_lists_every_subcommand(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("smx", "--help") is None
    out = capsys.readouterr().out
    for command in (
        "experiments",
        "trials",
        "components",
        "search",
        "show",
        "metrics",
        "chart",
        "use",
    ):
        assert command in out


def test_bare_smx_prints_usage(shell: InteractiveShell, capsys: pytest.CaptureFixture[str]) -> None:
    assert shell.run_line_magic("smx", "") is None
    assert "usage: %smx" in capsys.readouterr().out


def test_subcommand_help_prints_its_own_options(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("smx", "search --help") is None
    out = capsys.readouterr().out
    assert "usage: %smx search" in out
    assert "--sort" in out and "--desc" in out and "--limit" in out


def test_unknown_subcommand_prints_a_usage_error_on_stderr(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("smx", "experimants") is None
    captured = capsys.readouterr()
    assert "invalid choice: 'experimants'" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_chart_type_outside_the_list_is_refused(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("smx", "chart pie --experiment e") is None
    assert "invalid choice: 'pie'" in capsys.readouterr().err


def test_limit_must_be_a_positive_whole_number() -> None:
    with pytest.raises(UsageError, match="--limit: must be at least 1"):
        parse_arguments("search --limit 0 'status = Completed'")
    with pytest.raises(UsageError, match="must be a whole number, not 'ten'"):
        parse_arguments("search --limit ten 'status = Completed'")


def test_unclosed_quote_is_a_usage_error_not_a_crash() -> None:
    with pytest.raises(UsageError, match="No closing quotation"):
        parse_arguments('search \'parameters.optimizer = "sgd"')


def test_quoted_query_and_options_are_separated() -> None:
    arguments = parse_arguments(
        "search 'metrics.test:accuracy.max > 0.9 and parameters.optimizer = \"sgd\"' "
        "--sort metrics.test:accuracy.max --desc --limit 5"
    )
    assert arguments.query == ['metrics.test:accuracy.max > 0.9 and parameters.optimizer = "sgd"']
    assert (arguments.sort, arguments.desc, arguments.limit) == (
        "metrics.test:accuracy.max",
        True,
        5,
    )


def test_cell_body_becomes_the_query_with_newlines_as_spaces() -> None:
    arguments = parse_arguments(
        "search --sort metrics.test:accuracy.max --desc",
        'metrics.test:accuracy.max > 0.5\n  and parameters.optimizer = "sgd"\n',
    )
    assert arguments.query == 'metrics.test:accuracy.max > 0.5 and parameters.optimizer = "sgd"'


def test_cell_body_keeps_spaces_inside_a_quoted_value() -> None:
    arguments = parse_arguments("search", 'DisplayName = "two  spaces"\n\n  and status = Completed')

    assert arguments.query == 'DisplayName = "two  spaces" and status = Completed'


def test_cell_body_is_the_chart_query() -> None:
    arguments = parse_arguments("chart scatter --x parameters.lr", "status = Completed")
    assert arguments.query == "status = Completed"


def test_query_on_the_line_and_in_the_cell_is_refused() -> None:
    with pytest.raises(UsageError, match="not both"):
        parse_arguments("search 'status = Completed'", "status = Failed")


def test_subcommand_without_a_query_refuses_a_cell_body() -> None:
    with pytest.raises(UsageError, match="%%smx trials: error: takes no cell body"):
        parse_arguments("trials mnist", "status = Completed")


def test_help_raises_help_shown_rather_than_exiting(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(HelpShown):
        parse_arguments("metrics --help")
    assert "--wide" in capsys.readouterr().out


def test_components_selectors_are_mutually_exclusive() -> None:
    with pytest.raises(UsageError, match="not allowed with argument"):
        parse_arguments("components --experiment a --unassigned")


def test_components_without_selector_prints_what_is_needed(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("smx", "components") is None
    assert "exactly one of TRIAL, --experiment E or --unassigned" in capsys.readouterr().err


def test_chart_without_components_experiment_or_query_prints_what_is_needed(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("smx", "chart line --metrics test:loss") is None
    assert (
        "exactly one of COMPONENT ..., --experiment E, --trial T or --query Q"
        in capsys.readouterr().err
    )


def test_component_names_may_follow_the_options() -> None:
    arguments = parse_arguments("chart bar --y metrics.test:loss.min train-1 train-2")

    assert arguments.components == ["train-1", "train-2"]
    assert arguments.y == "metrics.test:loss.min"


def test_usage_error_names_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError) as raised:
        parse_arguments("metrics")

    assert str(raised.value).startswith("usage: %smx metrics [-h] [--wide]")
    assert "%smx metrics: error: the following arguments are required: component" in str(
        raised.value
    )
