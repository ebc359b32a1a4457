"""Structure tests for the e-Stat DAGs.

The static tests need only Python and pytest; the DagBag test runs where
Airflow and the amazon, snowflake and common-sql providers are installed
(the Airflow host image) and is skipped elsewhere.

    python -m pytest airflow-dags/tests -q
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

DAGS_DIR = Path(__file__).resolve().parents[1]
DBT_DIR = DAGS_DIR.parent / "dbt"
DAG_FILES = sorted(DAGS_DIR.glob("estat_*.py"))
EXPECTED_DAGS = {"estat_monthly_ingestion", "estat_transform", "estat_weekly_full_build"}

# Calls that reach an external system or the metadata DB when executed.
FORBIDDEN_AT_IMPORT = {
    "Variable.get",
    "boto3.client",
    "boto3.resource",
    "requests.get",
    "requests.post",
    "BaseHook.get_connection",
}


def _module_level_calls(tree: ast.Module) -> list[str]:
    """Dotted names of calls executed when the module is imported."""
    calls = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(sub, ast.Call):
                calls.append(ast.unparse(sub.func))
    return calls


def _python_files() -> list[Path]:
    return DAG_FILES + sorted((DAGS_DIR / "estat_common").glob("*.py"))


def test_expected_dag_files_exist():
    assert {p.stem for p in DAG_FILES} == EXPECTED_DAGS


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: p.name)
def test_no_external_calls_at_import(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [c for c in _module_level_calls(tree) if c in FORBIDDEN_AT_IMPORT]
    assert not bad, f"{path.name} calls {bad} at import time"
    top_imports = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_imports |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_imports.add(node.module.split(".")[0])
    sdk = top_imports & {"boto3", "requests"}
    assert not sdk, f"{path.name} imports {sdk} at module level"


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_has_docstring_and_dag_id(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    assert f'dag_id="{path.stem}"' in path.read_text(encoding="utf-8")


def _dbt_resource_names() -> set[str]:
    names = {p.stem for p in (DBT_DIR / "models").rglob("*.sql")}
    names |= {p.stem for p in (DBT_DIR / "seeds").glob("*.csv")}
    for yml in (DBT_DIR / "snapshots").glob("*.yml"):
        text = yml.read_text(encoding="utf-8")
        names |= set(re.findall(r"^\s*-\s*name:\s*(\w+)", text, re.M))
    return names


def _selectors() -> list[tuple[str, str]]:
    found = []
    for path in DAG_FILES:
        for command in re.findall(r"\[\s*\"dbt\"[^\]]*\]", path.read_text(encoding="utf-8")):
            args = ast.literal_eval(command)
            for flag in ("--select", "-s", "--exclude"):
                if flag in args:
                    for arg in args[args.index(flag) + 1:]:
                        if arg.startswith("-"):
                            break
                        found.append((path.name, arg))
    return found


@pytest.mark.skipif(not DBT_DIR.is_dir(), reason="dbt project not next to the DAGs")
def test_dbt_selectors_name_existing_resources():
    names = _dbt_resource_names()
    selectors = _selectors()
    assert selectors, "no dbt --select found in the DAG files"
    for filename, selector in selectors:
        if selector.startswith("path:"):
            assert (DBT_DIR / selector[len("path:"):]).exists(), (filename, selector)
        else:
            assert selector.strip("+") in names, (filename, selector)


def test_dagbag_imports_cleanly():
    pytest.importorskip("airflow")
    pytest.importorskip("airflow.providers.amazon")
    pytest.importorskip("airflow.providers.common.sql")
    from airflow.models import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR), include_examples=False)
    assert not bag.import_errors, bag.import_errors
    assert set(bag.dag_ids) == EXPECTED_DAGS
    for dag in bag.dags.values():
        assert dag.catchup is False
        assert dag.tags, dag.dag_id
        for task in dag.tasks:
            assert task.retries >= 1, f"{dag.dag_id}.{task.task_id} has no retries"
            assert task.on_failure_callback is not None, f"{dag.dag_id}.{task.task_id}"
