"""Without an optional dependency, what needs it says in one line which extra to install.

Each test runs a real child process (the ``smx-lab`` console script, Python, a Jupyter server) in
which importing scikit-learn or boto3 fails as it does where they are not installed: a
``sitecustomize`` on ``PYTHONPATH`` puts a finder first on ``sys.meta_path`` that refuses the
modules named in ``$SMX_LAB_TEST_WITHOUT``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from jupyter_process import JupyterServerProcess

from smx_lab.stores.local import LocalStore

DEMO_LINE = 'smx-lab demo needs scikit-learn: pip install "smx_lab[demo]"'
SAGEMAKER_INSTALL = 'pip install "smx_lab[sagemaker]"'
STORE_LINE = f"the SageMaker store needs boto3: {SAGEMAKER_INSTALL}"

SHIM = textwrap.dedent(
    """
    import os
    import sys

    _WITHOUT = {name for name in os.environ.get("SMX_LAB_TEST_WITHOUT", "").split(",") if name}


    class _NotInstalled:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in _WITHOUT:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None


    sys.meta_path.insert(0, _NotInstalled())
    """
)


@pytest.fixture
def without(tmp_path: Path) -> dict[str, str]:
    """``env(...)`` of a child process in which the named modules cannot be imported."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHIM)
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(shim), os.environ.get("PYTHONPATH")]))}


def _env(shim: dict[str, str], modules: str, **extra: str) -> dict[str, str]:
    return {**os.environ, **shim, "SMX_LAB_TEST_WITHOUT": modules, **extra}


def _smx_lab() -> list[str]:
    """The installed console script, next to this interpreter (as a user runs it)."""
    script = Path(sys.executable).with_name("smx-lab")
    if script.exists():
        return [str(script)]
    found = shutil.which("smx-lab")
    return [found] if found else [sys.executable, "-m", "smx_lab.cli"]


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Each file in ``folder`` (the store and any journal beside it): its bytes and mtime."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_shim_makes_the_import_fail_as_if_not_installed(without: dict[str, str]) -> None:
    finished = _python("import sklearn", _env(without, "sklearn"))
    assert finished.returncode == 1
    assert "ModuleNotFoundError: No module named 'sklearn'" in finished.stderr


def test_demo_without_scikit_learn_says_which_extra_and_creates_no_store(
    tmp_path: Path, without: dict[str, str]
) -> None:
    database = tmp_path / "new" / "demo.sqlite"
    finished = subprocess.run(
        [*_smx_lab(), "demo", "--db", str(database)],
        env=_env(without, "sklearn"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode != 0
    assert finished.stderr.splitlines() == [DEMO_LINE]
    assert finished.stdout == ""
    assert not database.exists() and not database.parent.exists()


def test_demo_reset_without_scikit_learn_leaves_an_existing_store_untouched(
    tmp_path: Path, without: dict[str, str]
) -> None:
    database = tmp_path / "store" / "demo.sqlite"
    store = LocalStore(database)
    store.create_experiment("kept")
    store.close()
    before = _files(database.parent)

    finished = subprocess.run(
        [*_smx_lab(), "demo", "--reset", "--db", str(database)],
        env=_env(without, "sklearn", SMX_LAB_DB=str(database)),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode != 0
    assert finished.stderr.splitlines() == [DEMO_LINE]
    assert "Traceback" not in finished.stderr + finished.stdout
    assert _files(database.parent) == before
    reopened = LocalStore(database)
    assert [e.experiment_name for e in reopened.list_experiments().items] == ["kept"]
    reopened.close()


def test_the_store_factory_without_boto3_names_the_sagemaker_extra(
    without: dict[str, str],
) -> None:
    finished = _python(
        """
        from smx_lab.errors import MissingDependency
        from smx_lab.stores.factory import open_store
        try:
            open_store()
        except MissingDependency as error:
            assert isinstance(error, ImportError) and error.name == "boto3"
            print(error.status, error.error, error.message)
        """,
        _env(without, "boto3", SMX_LAB_STORE="sagemaker"),
    )
    assert finished.stderr == ""
    assert finished.stdout.splitlines() == [f"503 store_unavailable {STORE_LINE}"]


def test_the_store_factory_without_mlflow_names_the_mlflow_extra(
    without: dict[str, str],
) -> None:
    finished = _python(
        """
        from smx_lab.errors import MissingDependency
        from smx_lab.stores.factory import open_store
        try:
            open_store()
        except MissingDependency as error:
            assert isinstance(error, ImportError) and error.name == "mlflow"
            print(error.status, error.message)
        """,
        _env(without, "mlflow", SMX_LAB_STORE="mlflow"),
    )
    assert finished.stderr == ""
    assert finished.stdout.splitlines() == [
        '503 the MLflow store needs mlflow-skinny: pip install "smx_lab[mlflow]"'
    ]


def test_the_embedded_store_and_the_tracking_api_need_neither_boto3_nor_scikit_learn(
    tmp_path: Path, without: dict[str, str]
) -> None:
    finished = _python(
        """
        import sys
        from smx_lab import Run
        from smx_lab.stores.factory import open_store
        with Run(experiment_name="e", run_name="r") as run:
            run.log_metric("loss", 0.5, step=0)
        imported = [name for name in ("boto3", "sklearn", "mlflow") if name in sys.modules]
        print(open_store().counts()["experiments"], imported)
        """,
        _env(without, "boto3,sklearn", SMX_LAB_DB=str(tmp_path / "runs.sqlite")),
    )
    assert finished.stderr == ""
    assert finished.stdout.splitlines() == ["1 []"]


def test_the_magics_without_boto3_print_the_one_line(without: dict[str, str]) -> None:
    finished = _python(
        """
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "smx_lab")
        assert shell.run_line_magic("smx", "experiments") is None
        shell.run_line_magic("smx", "use --store sagemaker")
        """,
        _env(without, "boto3", SMX_LAB_STORE="sagemaker"),
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr.splitlines() == [STORE_LINE, STORE_LINE]


def test_the_tracking_api_and_analytics_without_boto3_raise_the_one_line(
    without: dict[str, str],
) -> None:
    finished = _python(
        """
        from smx_lab import Run
        from smx_lab.analytics import ExperimentAnalytics
        try:
            Run(experiment_name="e", run_name="r", sagemaker_session=object())
        except ImportError as error:
            print(error)
        try:
            ExperimentAnalytics(experiment_name="e").dataframe()
        except ImportError as error:
            print(error)
        """,
        _env(without, "boto3", SMX_LAB_STORE="sagemaker"),
    )
    assert finished.stderr == ""
    assert finished.stdout.splitlines() == [
        f"logging to SageMaker needs boto3: {SAGEMAKER_INSTALL}",
        STORE_LINE,
    ]


def test_the_server_without_boto3_answers_503_naming_the_extra(
    tmp_path: Path, without: dict[str, str]
) -> None:
    env = {**without, "SMX_LAB_TEST_WITHOUT": "boto3", "SMX_LAB_STORE": "sagemaker"}
    with JupyterServerProcess(tmp_path, env=env) as server:
        request = urllib.request.Request(server.url("experiments"), headers=server.headers)
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=30)
        body = json.loads(answer.value.read())
        log = server.log()
    assert answer.value.code == 503
    assert body["error"] == "store_unavailable"
    assert body["message"] == STORE_LINE
    assert body["install"] == SAGEMAKER_INSTALL
    assert STORE_LINE in log and "Traceback" not in log
