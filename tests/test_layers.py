"""Which code may import Streamlit and DuckDB, read from the source with `ast`.

Streamlit belongs to the user interface: app.py, the pages and segdash's ui package (segdash/ui.py
until it became a package). Two modules reach into Streamlit's server machinery without being
part of the interface, and may do so only with an import inside a function, of the server's
submodules (never the `streamlit` package with its page API): segdash/upload_guard.py, which
patches the runtime's upload manager, and the `serve` command of segdash/cli.py, which starts
Streamlit's own command line. DuckDB belongs to segdash/store.py (the one place that opens a
connection) and segdash/queries.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").rglob("*.py")),
    *sorted((ROOT / "segdash").rglob("*.py")),
]

UI = ("app.py", "pages/", "segdash/ui.py", "segdash/ui/")
# module -> (the Streamlit modules it may import inside a function, the functions; None: any)
SERVER_ONLY: dict[str, tuple[tuple[str, ...], frozenset[str] | None]] = {
    "segdash/upload_guard.py": (("streamlit.runtime",), None),
    "segdash/cli.py": (
        ("streamlit.web", "streamlit.runtime"),
        frozenset({"cmd_serve", "_pages_from_navigation_only"}),
    ),
}
DUCKDB = ("segdash/store.py", "segdash/queries.py")


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository, with forward slashes
    line: int
    module: str  # the module imported, dotted
    function: str | None  # the innermost function the import is in; None at module level

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module}"


def _is_under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def imports(path: Path) -> list[Import]:
    """Every import in a file, also `importlib.import_module("…")` and `__import__("…")` with
    a literal name, with the function it is made in."""
    relative = path.relative_to(ROOT).as_posix()
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Import):
            found.extend(Import(relative, node.lineno, a.name, function) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(Import(relative, node.lineno, node.module, function))
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and ast.unparse(node.func) in ("importlib.import_module", "import_module", "__import__")
        ):
            found.append(Import(relative, node.lineno, node.args[0].value, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), None)
    return found


def every_import() -> list[Import]:
    return [found for path in SOURCES for found in imports(path)]


def streamlit_offenders(found: list[Import]) -> list[str]:
    offenders = []
    for imp in found:
        if not _is_under(imp.module, ("streamlit",)) or imp.path.startswith(UI):
            continue
        allowed, functions = SERVER_ONLY.get(imp.path, ((), frozenset()))
        if not _is_under(imp.module, allowed):
            offenders.append(f"{imp} (Streamlit outside the user interface)")
        elif imp.function is None:
            offenders.append(f"{imp} (at module level: import it inside the function using it)")
        elif functions is not None and imp.function not in functions:
            offenders.append(f"{imp} (in {imp.function}, not in {', '.join(sorted(functions))})")
    return offenders


def duckdb_offenders(found: list[Import]) -> list[str]:
    return [
        f"{imp} (DuckDB outside {' and '.join(DUCKDB)})"
        for imp in found
        if _is_under(imp.module, ("duckdb",)) and imp.path not in DUCKDB
    ]


def test_streamlit_is_imported_only_by_the_user_interface():
    offenders = streamlit_offenders(every_import())
    assert not offenders, "\n".join(offenders)


def test_duckdb_is_imported_only_by_the_store_and_the_queries():
    offenders = duckdb_offenders(every_import())
    assert not offenders, "\n".join(offenders)


def test_the_rules_see_the_imports_they_allow():
    """The walk reads what is there: the allowed imports are found where they are allowed, so
    the rules above are not passing on a walk that found nothing."""
    found = every_import()
    streamlit = {imp.path for imp in found if _is_under(imp.module, ("streamlit",))}
    assert {"app.py", "segdash/upload_guard.py", "segdash/cli.py"} <= streamlit
    assert any(path.startswith(("pages/", "segdash/ui")) for path in streamlit)
    assert "segdash/store.py" in {imp.path for imp in found if imp.module == "duckdb"}


def test_an_offender_is_named_with_its_file_and_line():
    found = [
        Import("segdash/queries.py", 3, "streamlit", None),
        Import("segdash/reports/pdf.py", 7, "duckdb", None),
        Import("segdash/upload_guard.py", 9, "streamlit.runtime", None),
        Import("segdash/cli.py", 12, "streamlit.web.cli", "cmd_import"),
        Import("segdash/cli.py", 14, "streamlit", "cmd_serve"),
        Import("segdash/cli.py", 16, "streamlit.web", "cmd_serve"),
        Import("segdash/ui/widgets.py", 2, "streamlit", None),
    ]
    assert streamlit_offenders(found) == [
        "segdash/queries.py:3: streamlit (Streamlit outside the user interface)",
        "segdash/upload_guard.py:9: streamlit.runtime (at module level: import it inside the "
        "function using it)",
        "segdash/cli.py:12: streamlit.web.cli (in cmd_import, not in "
        "_pages_from_navigation_only, cmd_serve)",
        "segdash/cli.py:14: streamlit (Streamlit outside the user interface)",
    ]
    assert duckdb_offenders(found) == [
        "segdash/reports/pdf.py:7: duckdb (DuckDB outside segdash/store.py and segdash/queries.py)"
    ]
