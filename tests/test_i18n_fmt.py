"""The text catalogues and Swedish number formats."""

from __future__ import annotations

import ast
import re
import string
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest
from conftest import (
    INDICATOR_DEFS,
    INDICATORS_HEADER,
    PLAN_2022,
    PLAN_HEADER,
    VALUES_HEADER,
    xlsx_file,
)

from segdash import domain, fmt, i18n, store
from segdash.importer import FileCheck, check_files, spec
from segdash.importer.preview import build_preview
from segdash.store import Store

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "segdash").rglob("*.py")),
]


def test_both_languages_have_the_same_keys():
    assert set(i18n.SV) == set(i18n.EN)


# --- which keys the code uses -----------------------------------------------------------------
# Read from the source with `ast`: the key argument of every call of a text function, and every
# other string constant shaped like a key (such as the reason a sign-out stores for `t(reason)`).
# A key built at run time (`t(f"sex.{s}")`, `"history.state." + state`) is expanded over its
# placeholder's values: the literals it is bound to in the same file (a loop over a literal
# tuple, the literal arguments of the function's calls, the literal options of the widget
# whose format_func it is), or else the code's own vocabulary in `vocabularies()` below.

# The functions that take a key, by how they are called, and where the key is among the arguments.
KEY_CALLS = {"t": 0, "tm": 0, "_t": 1, "ui.t": 0, "ui.tm": 0, "i18n.text": 1}
NAMESPACES = {key.split(".")[0] for key in i18n.SV}
KEY_SHAPE = re.compile(r"[a-z_]+(\.[A-Za-z0-9_]+)+")


def _batch_kinds() -> list[str]:
    """What import_batch.kind holds, one kind at a time: a workbook's kind as the importer names
    it (FileCheck.batch_kind) and the kinds written directly (insert_batch(kind="…"))."""
    kinds = {FileCheck("f", "", kinds=[kind]).batch_kind for kind in spec.PROCESSING_ORDER}
    for source in ("segdash/importer/__init__.py", "segdash/store.py"):
        for node in ast.walk(ast.parse((ROOT / source).read_text("utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "kind":
                if isinstance(node.value, ast.Constant):
                    kinds.add(node.value.value)
    return sorted(kinds)


def _batch_states() -> list[str]:
    (states,) = re.findall(r"CHECK \(state IN \(([^)]*)\)\)", store.MIGRATIONS[0])
    return re.findall(r"'(\w+)'", states)


def _preview_counts() -> list[str]:
    """The figures an import preview counts (build_preview's keys), for a workbook of every
    sheet kind checked against an empty database."""
    workbook = xlsx_file(
        {
            "Åtgärder": [PLAN_HEADER, *PLAN_2022],
            "Förvaltningar": [["Kod", "Namn"], ["KFF", "Kultur- och fritidsförvaltningen"]],
            "Områden": [["Kod", "Namn", "Typ"], ["Berga", "Berga", "fokus"]],
            "Utvecklingsområden": [["Nr", "Namn"], [1, "Trygghet"]],
            "Uppföljning": [["Nr", "Period", "Status"], ["1.1", "2022", "klar"]],
            "Indikatorer": [INDICATORS_HEADER, *INDICATOR_DEFS],
            "Indikatorvärden": [VALUES_HEADER, ["ARBL", "Berga", 2022, 1]],
        }
    )
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "p.duckdb") as empty:
        check = check_files(empty, [workbook])
        assert check.ok, [i.message for i in check.issues]
        return list(build_preview(empty, check).counts)


def _period_parts() -> list[str]:
    """The kinds of part of a year a follow-up period can be ("2022-T1": T), as parse_period
    reads them."""
    read = (domain.parse_period(f"2022-{letter}1") for letter in string.ascii_uppercase)
    return sorted({period[5] for period in read if period})


@cache
def vocabularies() -> dict[str, list[str]]:
    """A key template ("{}" for the part filled in at run time) whose values the source doesn't
    bind, with its values as the code defines them."""
    return {
        "status.{}": list(domain.STATUS_ORDER),  # i18n.status_labels
        "period.{}": _period_parts(),  # i18n.period_label
        "sex.{}": [code for code, _, _ in domain.SEXES],
        "history.kind.{}": _batch_kinds(),
        "history.state.{}": _batch_states(),
        "upload.{}": _preview_counts(),
    }


# Templates whose keys the code looks up only if they exist (the upload page shows a preview
# figure only when the catalogue has a label for it).
OPTIONAL = {"upload.{}"}
# Keys passed on in a variable, checked where the variable gets them (a key-shaped constant).
PASSED_ON = {("segdash/ui/signin.py", "reason")}


@dataclass
class KeyUses:
    literal: dict[str, list[str]] = field(default_factory=dict)  # key -> where
    templates: dict[str, list[str]] = field(default_factory=dict)  # template -> where
    expanded: dict[str, list[str]] = field(default_factory=dict)  # bound template -> its keys
    unresolved: list[str] = field(default_factory=list)  # where a key can't be followed


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _literals(node: ast.expr) -> list[str] | None:
    """The strings a literal tuple, list or set holds, or None when it isn't one."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]
    return None


def _bound_values(name: str, at: ast.AST, tree: ast.AST, parents: dict) -> list[str] | None:
    """The literal values a name takes where it is used, from the nearest scope binding it."""
    node = at
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            for gen in node.generators:
                if isinstance(gen.target, ast.Name) and gen.target.id == name:
                    return _literals(gen.iter)
        if isinstance(node, ast.Lambda) and name in [a.arg for a in node.args.args]:
            call, keyword = parents.get(parents.get(node)), parents.get(node)
            if (
                isinstance(keyword, ast.keyword)
                and keyword.arg == "format_func"
                and isinstance(call, ast.Call)
                and len(call.args) > 1
            ):
                return _literals(call.args[1])  # a widget's (label, options, ...)
            return None
        if isinstance(node, ast.FunctionDef):
            params = [a.arg for a in node.args.args]
            if name not in params:
                return None
            position, values = params.index(name), []
            for call in ast.walk(tree):
                if isinstance(call, ast.Call) and _call_name(call.func) == node.name:
                    arg = call.args[position] if position < len(call.args) else None
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        return None
                    values.append(arg.value)
            return values or None
    return None


def _key_expressions(node: ast.expr) -> list[ast.expr]:
    """The alternatives a key argument is made of (`a if c else b`, `{...}[s]`)."""
    if isinstance(node, ast.IfExp):
        return _key_expressions(node.body) + _key_expressions(node.orelse)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
        return [v for value in node.value.values for v in _key_expressions(value)]
    return [node]


def _template(node: ast.expr) -> tuple[str, ast.expr] | None:
    """A key built at run time as (template with one "{}", the expression filled in)."""
    if isinstance(node, ast.JoinedStr):
        holes = [v for v in node.values if isinstance(v, ast.FormattedValue)]
        if len(holes) == 1:
            parts = ["{}" if isinstance(v, ast.FormattedValue) else v.value for v in node.values]
            return "".join(parts), holes[0].value
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Constant)
    ):
        return node.left.value + "{}", node.right
    return None


@cache
def key_uses() -> KeyUses:
    uses = KeyUses()
    for path in SOURCES:
        where_file = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = _parents(tree)
        consumed: set[int] = set()  # constants read as (parts of) a key argument
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node.func)
            position = KEY_CALLS.get(name, 1 if name == "text" and path.name == "i18n.py" else None)
            if position is None or position >= len(node.args):
                continue
            for expr in _key_expressions(node.args[position]):
                where = f"{where_file}:{expr.lineno}"
                consumed |= {id(n) for n in ast.walk(expr)}
                if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                    uses.literal.setdefault(expr.value, []).append(where)
                elif (made := _template(expr)) is not None:
                    template, hole = made
                    values = None
                    if isinstance(hole, ast.Name):
                        values = _bound_values(hole.id, expr, tree, parents)
                    elif all(isinstance(e, ast.Constant) for e in _key_expressions(hole)):
                        values = [e.value for e in _key_expressions(hole)]
                    if values is not None:
                        uses.expanded.setdefault(
                            f"{template} at {where}", [template.format(v) for v in values]
                        )
                    else:
                        uses.templates.setdefault(template, []).append(where)
                elif (
                    isinstance(expr, ast.Name)
                    and (bound := _bound_values(expr.id, expr, tree, parents)) is not None
                ):
                    for value in bound:
                        uses.literal.setdefault(value, []).append(where)
                elif isinstance(expr, ast.Name) and (
                    (where_file, expr.id) in PASSED_ON
                    or _is_own_parameter(expr.id, expr, parents)  # t(key) inside t itself
                ):
                    continue
                else:
                    uses.unresolved.append(f"{where}: {ast.unparse(expr)}")
        if path.name == "i18n.py":  # its constants are the catalogues themselves
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in consumed
                and not isinstance(parents.get(node), ast.JoinedStr)
                and KEY_SHAPE.fullmatch(node.value)
                and node.value.split(".")[0] in NAMESPACES
                and not (ROOT / node.value).exists()
            ):  # "app.py" is a file, not a key
                uses.literal.setdefault(node.value, []).append(f"{where_file}:{node.lineno}")
    return uses


def _is_own_parameter(name: str, at: ast.AST, parents: dict) -> bool:
    """A text function passing its own key parameter on (`def t(key): ... text(lang, key)`)."""
    node = at
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef):
            return node.name in {*KEY_CALLS, "text"} and name in [a.arg for a in node.args.args]
    return False


def used_keys() -> dict[str, list[str]]:
    """Every key the code can ask for, with where: literal, bound and vocabulary-expanded."""
    uses = key_uses()
    keys = {key: list(where) for key, where in uses.literal.items()}
    for template, expanded in uses.expanded.items():
        for key in expanded:
            keys.setdefault(key, []).append(template)
    for template, where in uses.templates.items():
        for value in vocabularies().get(template, []):
            keys.setdefault(template.format(value), []).extend(where)
    return keys


def test_every_key_built_at_run_time_has_its_values():
    uses = key_uses()
    assert uses.unresolved == []
    assert sorted(set(uses.templates) - set(vocabularies())) == []
    assert sorted(set(vocabularies()) - set(uses.templates)) == []  # none declared in vain
    assert vocabularies()["period.{}"] == ["H", "Q", "T"]
    assert all(vocabularies().values())
    assert all(uses.expanded.values())


@pytest.mark.parametrize("catalogue", ["SV", "EN"])
def test_every_key_the_code_uses_exists(catalogue):
    defined = getattr(i18n, catalogue)
    optional = {t.format(v) for t in OPTIONAL for v in vocabularies()[t]}
    missing = {
        key: where
        for key, where in used_keys().items()
        if key not in defined and key not in optional
    }
    assert missing == {}


def test_every_key_is_used():
    assert sorted(set(i18n.SV) - set(used_keys())) == []


def test_placeholders_match_between_languages():
    for key, sv in i18n.SV.items():
        assert set(re.findall(r"{(\w+)}", sv)) == set(re.findall(r"{(\w+)}", i18n.EN[key])), key


@pytest.mark.parametrize(
    ("period", "sv", "en"),
    [
        ("2022", "Helår 2022", "Full year 2022"),
        ("2022-T2", "Tertial 2 2022", "Four-month period 2 2022"),
        ("2023-H1", "Halvår 1 2023", "Half-year 1 2023"),
        ("2021-Q4", "Kvartal 4 2021", "Quarter 4 2021"),
    ],
)
def test_period_labels(period, sv, en):
    assert i18n.period_label("sv", period) == sv
    assert i18n.period_label("en", period) == en


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (1234567.891, 1, "sv", "1\u00a0234\u00a0567,9"),
        (1234567.891, 1, "en", "1,234,567.9"),
        (-12.5, 1, "sv", "\u221212,5"),
        (0.0, 0, "sv", "0"),
        (None, 1, "sv", "–"),
        (float("nan"), 1, "sv", "–"),
    ],
)
def test_number(value, decimals, lang, expected):
    assert fmt.number(value, decimals, lang) == expected


def test_percent_unit_signed_and_dates():
    assert fmt.percent(0.256, 1) == "25,6\u00a0%"
    assert fmt.percent(0.256, 0, "en") == "26%"
    assert fmt.with_unit(18.3, "%") == "18,3\u00a0%"
    assert fmt.with_unit(10070, "invånare", 0) == "10\u00a0070 invånare"
    assert fmt.with_unit(None, "%") == "–"
    assert (fmt.signed(3), fmt.signed(-2), fmt.signed(0), fmt.signed(-2, 0, "en")) == (
        "+3",
        "\u22122",
        "±0",
        "-2",
    )
    assert fmt.long_date(date(2026, 11, 23)) == "23 november 2026"
    assert fmt.long_date(datetime(2026, 3, 5, 9, 7), "en") == "5 March 2026 09:07"


def test_numbers_matches_number_for_a_whole_column():
    values = [1234567.891, -12.5, 0.0, None, float("nan"), 3]
    for lang in ("sv", "en"):
        assert fmt.numbers(values, 1, lang) == [fmt.number(v, 1, lang) for v in values]
