"""The analyst's choices for a file that is not in the template's layout (the mapping step).

One value type, `ImportOptions`, carries every choice: which header plays which role, the one
indicator of a file without an indicator column, rows to keep, how sub-year periods become
years, whether unknown areas are added, and which sheets to read. The CLI builds it from its
options and the upload page from its widgets; the importer is the only place that acts on it.
It is also what an import profile stores.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from segdash.importer.spec import norm_name

# The roles a column can be given, by the names the CLI and the page use (Swedish, as in the
# contract), and the column key each stands for in the importer.
ROLES: dict[str, str] = {
    "Område": "district",
    "Regionkod": "district_code",
    "År": "year",
    "Period": "year",
    "Värde": "value",
    "Kön": "sex",
    "Indikator": "indicator",
    "Mål": "target",
    "Källa": "source",
}
ROLE_NAMES = ", ".join(ROLES)
_ROLE_LOOKUP = {norm_name(name): name for name in ROLES} | {
    "area": "Område",
    "district": "Område",
    "region code": "Regionkod",
    "year": "År",
    "value": "Värde",
    "sex": "Kön",
    "indicator": "Indikator",
    "target": "Mål",
    "source": "Källa",
}

# How years are made of sub-year periods: a rule, or one named sub-period of each year.
PER_YEAR_RULES = ("sum", "mean", "last")
_NAMED_PART = re.compile(r"^(?:(?P<q>[KQ])(?P<qn>[1-4])|M(?P<m>0[1-9]|1[0-2])|H(?P<h>[12]))$", re.I)
PER_YEAR_CHOICES = "sum, mean, last, K1–K4, Q1–Q4, M01–M12, H1 eller H2"
# Every rule as `check_per_year` writes it (Q1 is K1), for a chooser.
PER_YEAR_RULE_LIST = (
    *PER_YEAR_RULES,
    "K1",
    "K2",
    "K3",
    "K4",
    *(f"M{m:02d}" for m in range(1, 13)),
    "H1",
    "H2",
)
PER_YEAR_LABELS = {
    "sum": "summan av årets delperioder",
    "mean": "medelvärdet av årets delperioder",
    "last": "årets senaste delperiod",
}


class OptionError(ValueError):
    """A choice that can't be used; the message is Swedish and names the option."""


def named_part(rule: str) -> tuple[str, int] | None:
    """'K4' / 'Q4' -> ('K', 4); 'M12' -> ('M', 12); 'H1' -> ('H', 1); None for sum/mean/last."""
    m = _NAMED_PART.match(rule.strip())
    if not m:
        return None
    if m.group("q"):
        return ("K", int(m.group("qn")))
    if m.group("m"):
        return ("M", int(m.group("m")))
    return ("H", int(m.group("h")))


def check_per_year(rule: str | None) -> str | None:
    if rule is None or not rule.strip():
        return None
    text = rule.strip()
    if text.casefold() in PER_YEAR_RULES:
        return text.casefold()
    part = named_part(text)
    if part is None:
        raise OptionError(f"--per-year {text}: välj {PER_YEAR_CHOICES}.")
    kind, number = part
    return f"M{number:02d}" if kind == "M" else f"{kind}{number}"


def per_year_label(rule: str) -> str:
    if rule in PER_YEAR_LABELS:
        return PER_YEAR_LABELS[rule]
    kind, number = named_part(rule)  # type: ignore[misc]
    names = {"K": "kvartal", "M": "månad", "H": "halvår"}
    return f"{names[kind]} {number} av varje år"


@dataclass(frozen=True)
class ImportOptions:
    indicator: str | None = None  # every row of a table without an indicator column
    columns: tuple[tuple[str, str], ...] = ()  # (role name, header as written)
    where: tuple[tuple[str, str], ...] = ()  # (header, value): keep only those rows
    per_year: str | None = None  # sum, mean, last, K1..K4, M01..M12, H1, H2
    add_districts: bool = False  # unknown areas become comparison areas in the same batch
    sheets: tuple[str, ...] = ()  # read only these sheets (empty: all)
    profile: str | None = None  # the saved profile these came from, if any
    save_as: str | None = None  # save these choices under this name when the import commits

    @property
    def is_empty(self) -> bool:
        return not (
            self.indicator
            or self.columns
            or self.where
            or self.per_year
            or self.add_districts
            or self.sheets
        )

    def role_for(self, header: object) -> str | None:
        """The column key this header was mapped to, if the analyst mapped it."""
        key = norm_name(header)
        for role, mapped in self.columns:
            if norm_name(mapped) == key:
                return ROLES[role]
        return None

    def wants_sheet(self, name: str) -> bool:
        return not self.sheets or norm_name(name) in {norm_name(s) for s in self.sheets}

    def merged(self, other: ImportOptions) -> ImportOptions:
        """These choices with `other`'s on top (a profile, then what was given explicitly)."""
        columns = dict(self.columns)
        columns.update(other.columns)
        where = dict(self.where)
        where.update(other.where)
        return replace(
            self,
            indicator=other.indicator or self.indicator,
            columns=tuple(columns.items()),
            where=tuple(where.items()),
            per_year=other.per_year or self.per_year,
            add_districts=other.add_districts or self.add_districts,
            sheets=other.sheets or self.sheets,
            save_as=other.save_as or self.save_as,
        )

    # -- as stored in a profile -------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(
            {
                "indicator": self.indicator,
                "columns": [list(c) for c in self.columns],
                "where": [list(w) for w in self.where],
                "per_year": self.per_year,
                "add_districts": self.add_districts,
                "sheets": list(self.sheets),
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str, profile: str | None = None) -> ImportOptions:
        data = json.loads(text)
        return cls(
            indicator=data.get("indicator"),
            columns=tuple(tuple(c) for c in data.get("columns", [])),
            where=tuple(tuple(w) for w in data.get("where", [])),
            per_year=data.get("per_year"),
            add_districts=bool(data.get("add_districts")),
            sheets=tuple(data.get("sheets", [])),
            profile=profile,
        )

    def describe(self) -> list[str]:
        """The choices as the CLI options that make them, one per line (for messages)."""
        lines = []
        if self.indicator:
            lines.append(f"--indicator {self.indicator}")
        lines += [f"--column {role}={header}" for role, header in self.columns]
        lines += [f"--where {header}={value}" for header, value in self.where]
        if self.per_year:
            lines.append(f"--per-year {self.per_year}")
        if self.add_districts:
            lines.append("--add-districts")
        lines += [f"--sheet {name}" for name in self.sheets]
        return lines


def _split_pair(text: str, option: str, left: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise OptionError(f"{option} {text}: skriv {left}=VÄRDE, t.ex. {_EXAMPLES[option]}.")
    return name.strip(), value.strip()


_EXAMPLES = {"--column": "--column Värde=Ohälsotalet", "--where": "--where Månad=09"}


def parse_column(text: str) -> tuple[str, str]:
    """'Värde=Ohälsotalet' -> ('Värde', 'Ohälsotalet'); the role is checked."""
    role, header = _split_pair(text, "--column", "ROLL")
    canonical = _ROLE_LOOKUP.get(norm_name(role))
    if canonical is None:
        raise OptionError(f"--column {text}: okänd roll ”{role}”. Välj en av {ROLE_NAMES}.")
    return canonical, header


def parse_where(text: str) -> tuple[str, str]:
    return _split_pair(text, "--where", "KOLUMN")


def build(
    *,
    indicator: str | None = None,
    columns: list[str] | tuple[str, ...] = (),
    where: list[str] | tuple[str, ...] = (),
    per_year: str | None = None,
    add_districts: bool = False,
    sheets: list[str] | tuple[str, ...] = (),
    save_as: str | None = None,
) -> ImportOptions:
    """Options from the CLI's strings; raises OptionError with the message to show."""
    parsed_columns = [parse_column(c) for c in columns]
    roles = [ROLES[role] for role, _ in parsed_columns]
    for key in set(roles):
        if roles.count(key) > 1:
            names = [r for r, _ in parsed_columns if ROLES[r] == key]
            raise OptionError(
                f"--column: rollen {names[0]} är given {roles.count(key)} gånger; ge den en gång."
            )
    if save_as is not None and not save_as.strip():
        raise OptionError("--save-profile: ge profilen ett namn.")
    return ImportOptions(
        indicator=indicator.strip() if indicator and indicator.strip() else None,
        columns=tuple(parsed_columns),
        where=tuple(parse_where(w) for w in where),
        per_year=check_per_year(per_year),
        add_districts=add_districts,
        sheets=tuple(s.strip() for s in sheets if s.strip()),
        save_as=save_as.strip() if save_as else None,
    )
