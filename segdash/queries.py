"""The questions the pages ask, as parameterised DuckDB SQL returning DataFrames.

Every figure the app shows is computed here, once. Functions take the store and plain values
(a `Filters` for the sidebar's choices) and return DataFrames; nothing here knows Streamlit.
Filter values always go in as parameters; an empty filter means "all".
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cached_property, partial
from typing import TypeVar

import orjson
import pandas as pd

from segdash import domain
from segdash.store import SYSTEM_BATCH_ID, Store

T = TypeVar("T")


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices. Empty tuples mean no narrowing."""

    period: str | None = None
    districts: tuple[str, ...] = ()
    areas: tuple[int, ...] = ()
    offices: tuple[str, ...] = ()


def _natural_key(action_no: str) -> tuple:
    """'1.10' after '1.9': compare the numeric parts as numbers."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]+", action_no)
    )


def sort_actions(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    keys = [_natural_key(no) for no in frame["action_no"]]
    areas = frame["area_no"].tolist()
    order = sorted(range(len(frame)), key=lambda i: (areas[i], keys[i]))
    return frame.iloc[order].reset_index(drop=True)


def shows_demo_data(store: Store) -> bool:
    return store.shows_demo_data()


# --- periods and plans ----------------------------------------------------------------------


def import_profiles(store: Store) -> pd.DataFrame:
    """The saved import profiles (name, signature, options, who saved them, when)."""
    return store.profiles()


def periods(store: Store) -> list[str]:
    """Follow-up periods that have any status, oldest first."""
    found = store.df("SELECT DISTINCT period FROM current_action_status")["period"].tolist()
    return sorted(found, key=domain.period_sort_key)


# A page's figures ask for the same actions several times in one run (the key figures, the
# status by area and by office, the changes since the previous follow-up): within one data
# revision the query runs once per process and each caller gets its own copy.
_MEMO: OrderedDict[tuple, object] = OrderedDict()
_MEMO_SIZE = 64
_MEMO_LOCK = threading.Lock()
# One computation per key at a time: after an import every viewer's next run asks the same
# questions at once, and the others wait for the first one's answer instead of asking too.
_COMPUTING: dict[tuple, threading.Lock] = {}


# A page run asks for the revision once at its start (`ui.refresh_revision`); the questions
# within the run take that reading rather than asking the database again each time.
RUN_REVISION_SECONDS = 5.0


def _memoised(store: Store, key: tuple, compute: Callable[[], T]) -> T:
    full = (store.path, store.revision(max_age=RUN_REVISION_SECONDS), *key)
    with _MEMO_LOCK:
        found = _MEMO.get(full)
        if found is not None:
            _MEMO.move_to_end(full)
            return found.copy()  # type: ignore[attr-defined] - DataFrame or list
        computing = _COMPUTING.setdefault(full, threading.Lock())
    with computing:
        with _MEMO_LOCK:
            found = _MEMO.get(full)
        if found is None:
            try:
                found = compute()
                with _MEMO_LOCK:
                    _MEMO[full] = found
                    while len(_MEMO) > _MEMO_SIZE:
                        _MEMO.popitem(last=False)
            finally:
                with _MEMO_LOCK:
                    _COMPUTING.pop(full, None)
    return found.copy()  # type: ignore[attr-defined] - DataFrame or list


def clear_memo() -> None:
    """Forget every memoised result (the benchmarks' cold runs start from nothing)."""
    with _MEMO_LOCK:
        _MEMO.clear()


def plan_years(store: Store) -> list[int]:
    return _memoised(
        store,
        ("plan_years",),
        lambda: [
            int(y)
            for y in store.df("SELECT DISTINCT plan_year FROM current_action ORDER BY plan_year")[
                "plan_year"
            ]
        ],
    )


def previous_period(all_periods: list[str], period: str) -> str | None:
    """The follow-up before this one (of any length), or None for the first."""
    if period not in all_periods:
        return None
    index = all_periods.index(period)
    return all_periods[index - 1] if index > 0 else None


@dataclass(frozen=True)
class MasterData:
    """Development areas, offices and districts as they stand now, with the lookups pages and
    reports need: names by code, and the focus and reference districts."""

    areas: pd.DataFrame  # area_no, name; by number
    offices: pd.DataFrame  # code, name; by name
    districts: pd.DataFrame  # code, name, district_type; focus, then reference, then the rest
    aimed: tuple[str, ...] = ()  # the districts any current action is aimed at

    # Worked out once per object (shared between sessions, never changed): the sidebar's
    # filters name every option through these on every run.
    @cached_property
    def area_names(self) -> dict[int, str]:
        numbers, names = self.areas["area_no"].astype(int).tolist(), self.areas["name"].tolist()
        return dict(zip(numbers, names, strict=True))

    def area_label(self, area_no: int) -> str:
        """ "3. Utbildning för …": how an area is named in lists."""
        return f"{area_no}. {self.area_names.get(int(area_no), '')}"

    @cached_property
    def office_names(self) -> dict[str, str]:
        codes, names = self.offices["code"].tolist(), self.offices["name"].tolist()
        return dict(zip(codes, names, strict=True))

    @cached_property
    def district_names(self) -> dict[str, str]:
        # tolist(): iterating pandas' Arrow strings one by one is slow for a national file
        codes, names = self.districts["code"].tolist(), self.districts["name"].tolist()
        return dict(zip(codes, names, strict=True))

    @cached_property
    def action_districts(self) -> list[str]:
        """What the sidebar's district filter offers: the focus and reference districts and
        any other an action is aimed at, in master-data order. The filter narrows actions, so
        the thousands of comparison areas of a national file would only be noise there."""
        wanted = set(self.standard) | set(self.aimed)
        return [c for c in self.districts["code"].tolist() if c in wanted]

    def districts_of_type(self, *types: str) -> list[str]:
        kinds = self.districts["district_type"]
        return list(self.districts.loc[kinds.isin(types), "code"])

    @cached_property
    def focus(self) -> list[str]:
        """The focus districts (master data); when none is marked, every district but the
        municipality as a whole."""
        focus = self.districts_of_type(domain.FOCUS_TYPE)
        return focus or [c for c in self.districts["code"].tolist() if c != domain.MUNICIPALITY]

    @cached_property
    def standard(self) -> list[str]:
        """What a comparison shows unless asked for more: the focus and reference districts."""
        return self.districts_of_type(*domain.STANDARD_DISTRICT_TYPES)


_DISTRICT_ORDER_SQL = " ".join(
    ["CASE district_type"]
    + [f"WHEN '{kind}' THEN {rank}" for rank, kind in enumerate(domain.DISTRICT_TYPES)]
    + [f"ELSE {len(domain.DISTRICT_TYPES)} END"]
)


def master_data(store: Store) -> MasterData:
    """Development areas, offices and districts as they stand now (for filters and labels)."""
    with store.snapshot() as cur:
        return MasterData(
            areas=cur.execute(
                "SELECT area_no, name FROM current_development_area ORDER BY area_no"
            ).df(),
            offices=cur.execute("SELECT code, name FROM current_office ORDER BY name").df(),
            districts=cur.execute(
                "SELECT code, name, district_type FROM current_district "
                f"ORDER BY {_DISTRICT_ORDER_SQL}, name"
            ).df(),
            aimed=tuple(
                row[0]
                for row in cur.execute(
                    "SELECT DISTINCT unnest(districts) FROM current_action ORDER BY 1"
                ).fetchall()
            ),
        )


# --- actions and their status ---------------------------------------------------------------

# The sidebar's filters on actions `a`: an empty list means all. Typed lists: DuckDB can't
# infer a type from [] alone.
_FILTER_SQL = """
  (len($districts::VARCHAR[]) = 0 OR list_has_any(a.districts, $districts::VARCHAR[]))
  AND (len($areas::INTEGER[]) = 0 OR list_contains($areas::INTEGER[], a.area_no))
  AND (len($offices::VARCHAR[]) = 0 OR list_contains($offices::VARCHAR[], a.lead_office)
       OR list_has_any(a.partner_offices, $offices::VARCHAR[]))
"""

_ACTION_STATUS_SQL = (
    """
SELECT a.plan_year, a.action_no, a.title, a.description, a.area_no,
       ar.name AS area_name, a.lead_office, o.name AS lead_office_name,
       a.partner_offices, a.districts, a.start_when, a.end_when,
       coalesce(s.status, 'missing') AS status, s.progress, s.comment
FROM current_action a
LEFT JOIN current_development_area ar ON ar.area_no = a.area_no
LEFT JOIN current_office o ON o.code = a.lead_office
LEFT JOIN current_action_status s
       ON s.plan_year = a.plan_year AND s.action_no = a.action_no AND s.period = $period
WHERE a.plan_year = $plan_year AND """
    + _FILTER_SQL
)

_COLUMNS = [
    "plan_year",
    "action_no",
    "title",
    "description",
    "area_no",
    "area_name",
    "lead_office",
    "lead_office_name",
    "partner_offices",
    "districts",
    "start_when",
    "end_when",
    "status",
    "progress",
    "comment",
]


def _params(filters: Filters, period: str, plan_year: int) -> dict:
    return {
        "period": period,
        "plan_year": plan_year,
        "districts": list(filters.districts),
        "areas": [int(a) for a in filters.areas],
        "offices": list(filters.offices),
    }


def action_status(store: Store, filters: Filters, period: str | None = None) -> pd.DataFrame:
    """Every action of the plan in force for the period, with its status there.

    An action with no follow-up row for the period has status `missing`.
    """
    period = period or filters.period
    if period is None:
        return pd.DataFrame(columns=_COLUMNS)
    plan_year = domain.plan_in_force(plan_years(store), period)
    if plan_year is None:
        return pd.DataFrame(columns=_COLUMNS)

    def compute() -> pd.DataFrame:
        cur = store.read()
        try:
            frame = cur.execute(_ACTION_STATUS_SQL, _params(filters, period, plan_year)).df()
        finally:
            cur.close()
        for column in ("partner_offices", "districts"):
            frame[column] = frame[column].map(list)
        return sort_actions(frame)

    return _memoised(store, ("action_status", filters, period, plan_year), compute)


def status_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Count and share per status (all statuses, in display order) of an action_status frame."""
    counts = frame["status"].value_counts().reindex(list(domain.STATUS_ORDER), fill_value=0)
    total = int(counts.sum())
    out = pd.DataFrame({"status": counts.index, "count": counts.to_numpy().astype(int)})
    out["share"] = out["count"] / total if total else 0.0
    return out


@dataclass(frozen=True)
class KeyFigures:
    period: str | None
    previous_period: str | None  # the follow-up before, None for the first
    actions: int
    previous_actions: int | None
    # status, count, share, previous_count, change, share_change: every status, in order
    statuses: pd.DataFrame

    @property
    def shown_statuses(self) -> pd.DataFrame:
        """The statuses worth a figure: those with actions now or in the previous follow-up."""
        s = self.statuses
        return s[(s["count"] > 0) | (s["previous_count"].fillna(0) > 0)]


def key_figures(store: Store, filters: Filters) -> KeyFigures:
    """Number of actions and count/share per status for the period, with change since the
    previous follow-up (None when there is no earlier one)."""
    all_periods = periods(store)
    current = action_status(store, filters)
    previous_p = previous_period(all_periods, filters.period) if filters.period else None
    now = status_counts(current)
    previous_actions = None
    if previous_p is not None:
        before = action_status(store, filters, previous_p)
        then = status_counts(before)
        now["previous_count"] = then["count"].to_numpy()
        now["change"] = now["count"] - now["previous_count"]
        now["share_change"] = now["share"] - then["share"].to_numpy()
        previous_actions = len(before)
    else:
        now["previous_count"] = pd.NA
        now["change"] = pd.NA
        now["share_change"] = pd.NA
    return KeyFigures(filters.period, previous_p, len(current), previous_actions, now)


def status_by(store: Store, filters: Filters, by: str) -> pd.DataFrame:
    """Counts per (group, status) for the period; `by` is "area" or "office" (lead office)."""
    frame = action_status(store, filters)
    column, label = {
        "area": ("area_no", "area_name"),
        "office": ("lead_office", "lead_office_name"),
    }[by]
    if frame.empty:
        return pd.DataFrame(columns=["group", "label", "status", "count"])
    grouped = (
        frame.groupby([column, label, "status"], dropna=False).size().reset_index(name="count")
    )
    grouped.columns = ["group", "label", "status", "count"]
    order = {s: i for i, s in enumerate(domain.STATUS_ORDER)}
    grouped["_s"] = grouped["status"].map(order)
    if by == "office":
        grouped = grouped.sort_values(["label", "_s"])
    else:
        grouped = grouped.sort_values(["group", "_s"])
    return grouped.drop(columns="_s").reset_index(drop=True)


def status_over_periods(store: Store, filters: Filters, by_area: bool = False) -> pd.DataFrame:
    """Counts per (period, status) for every follow-up, each against its plan in force (in SQL
    here, for every period at once: the same rule as domain.plan_in_force). `by_area`: per
    development area too (an `area_no` column first; the shares are within each area), for
    all the areas in one question."""
    area = "a.area_no, " if by_area else ""
    frame = store.df(
        """WITH p AS (SELECT DISTINCT period, CAST(left(period, 4) AS INTEGER) AS year
                      FROM current_action_status),
                in_force AS (SELECT p.period, max(y.plan_year) AS plan_year
                             FROM p JOIN (SELECT DISTINCT plan_year FROM current_action) y
                               ON y.plan_year <= p.year GROUP BY p.period)
           SELECT """
        + area
        + """f.period, coalesce(s.status, 'missing') AS status, count(*) AS count
           FROM in_force f
           JOIN current_action a ON a.plan_year = f.plan_year
           LEFT JOIN current_action_status s
                  ON s.plan_year = a.plan_year AND s.action_no = a.action_no
                 AND s.period = f.period
           WHERE """
        + _FILTER_SQL
        + " GROUP BY ALL",
        {
            "districts": list(filters.districts),
            "areas": [int(a) for a in filters.areas],
            "offices": list(filters.offices),
        },
    )
    columns = ["period", "status", "count", "share"]
    if frame.empty:
        return pd.DataFrame(columns=["area_no", *columns] if by_area else columns)
    groups = ["area_no", "period"] if by_area else ["period"]
    frame["count"] = frame["count"].astype(int)
    frame["share"] = frame["count"] / frame.groupby(groups)["count"].transform("sum")
    order = {s: i for i, s in enumerate(domain.STATUS_ORDER)}
    keys = [
        (domain.period_sort_key(p), order[s])
        for p, s in zip(frame["period"], frame["status"], strict=True)
    ]
    if by_area:
        keys = [(int(a), *k) for a, k in zip(frame["area_no"], keys, strict=True)]
    frame = frame.iloc[sorted(range(len(frame)), key=keys.__getitem__)]
    return frame.reset_index(drop=True)


def changes_since_previous(store: Store, filters: Filters) -> pd.DataFrame:
    """Actions whose status differs from the previous follow-up (new actions included)."""
    columns = [
        "action_no",
        "title",
        "area_no",
        "lead_office_name",
        "status_before",
        "status",
        "progress",
        "comment",
    ]
    if filters.period is None:
        return pd.DataFrame(columns=columns)
    previous = previous_period(periods(store), filters.period)
    now = action_status(store, filters)
    if previous is None or now.empty:
        return pd.DataFrame(columns=columns)
    before = action_status(store, filters, previous)[["action_no", "status"]]
    merged = now.merge(
        before.rename(columns={"status": "status_before"}), on="action_no", how="left"
    )
    changed = merged[merged["status"] != merged["status_before"]]
    return sort_actions(changed[columns]).reset_index(drop=True)


def search_actions(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows of an action_status frame whose number, title, description or comment holds text."""
    words = text.casefold().split()
    if not words:
        return frame
    haystack = (
        frame["action_no"].astype(str)
        + " "
        + frame["title"].fillna("")
        + " "
        + frame["description"].fillna("")
        + " "
        + frame["comment"].fillna("")
    ).str.casefold()
    mask = pd.Series(True, index=frame.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return frame[mask].reset_index(drop=True)


@dataclass(frozen=True)
class ActionDetail:
    plan_year: int
    action_no: str
    title: str
    description: str | None
    area_no: int
    area_name: str | None
    lead_office: str
    lead_office_name: str | None
    partner_offices: list[str]
    districts: list[str]
    start_when: str | None
    end_when: str | None


def action_detail(store: Store, plan_year: int, action_no: str) -> ActionDetail | None:
    frame = store.df(
        """SELECT a.*, ar.name AS area_name, o.name AS lead_office_name
           FROM current_action a
           LEFT JOIN current_development_area ar ON ar.area_no = a.area_no
           LEFT JOIN current_office o ON o.code = a.lead_office
           WHERE a.plan_year = ? AND a.action_no = ?""",
        [plan_year, action_no],
    )
    if frame.empty:
        return None
    row = frame.iloc[0].to_dict()

    def text(value) -> str | None:
        return (
            None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        )

    return ActionDetail(
        plan_year=int(row["plan_year"]),
        action_no=str(row["action_no"]),
        title=str(row["title"]),
        description=text(row["description"]),
        area_no=int(row["area_no"]),
        area_name=text(row["area_name"]),
        lead_office=str(row["lead_office"]),
        lead_office_name=text(row["lead_office_name"]),
        partner_offices=list(row["partner_offices"]),
        districts=list(row["districts"]),
        start_when=text(row["start_when"]),
        end_when=text(row["end_when"]),
    )


def action_history(store: Store, action_no: str) -> pd.DataFrame:
    """Status, progress and comment of an action number in every follow-up, oldest first."""
    frame = store.df(
        """SELECT period, plan_year, status, progress, comment
           FROM current_action_status WHERE action_no = ?""",
        [action_no],
    )
    order = sorted(range(len(frame)), key=lambda i: domain.period_sort_key(frame["period"].iloc[i]))
    return frame.iloc[order].reset_index(drop=True)


def office_actions(store: Store, filters: Filters, office: str) -> pd.DataFrame:
    """Actions an office leads or takes part in, for the period, with its role."""
    frame = action_status(store, replace(filters, offices=(office,)))
    roles = ["lead" if lead == office else "partner" for lead in frame["lead_office"]]
    frame.insert(2, "role", roles)
    return frame


@dataclass(frozen=True)
class OfficeSummary:
    actions: pd.DataFrame  # office_actions: every action it leads or shares, with its role
    leads: int
    shares: int
    at_risk: pd.DataFrame  # its actions with a deviation or cancelled (domain.AT_RISK_STATUSES)
    counts: pd.DataFrame  # role, status, count: for the chart


def office_summary(store: Store, filters: Filters, office: str) -> OfficeSummary:
    """What the offices page shows for one office: its actions, how many it leads and shares,
    which are at risk, and the count per role and status."""
    actions = office_actions(store, filters, office)
    counts = actions.groupby(["role", "status"]).size().reset_index(name="count")
    return OfficeSummary(
        actions=actions,
        leads=int((actions["role"] == "lead").sum()),
        shares=int((actions["role"] == "partner").sum()),
        at_risk=at_risk(actions),
        counts=counts,
    )


def at_risk(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions of an action_status frame that are at risk (domain.AT_RISK_STATUSES)."""
    return actions[actions["status"].isin(domain.AT_RISK_STATUSES)]


# --- indicators ----------------------------------------------------------------------------


def indicator_catalogue(store: Store) -> pd.DataFrame:
    """Every indicator with its definition and development area, and whether it has values."""
    return store.df(
        """SELECT i.code, i.name, i.unit, i.higher_is_better, i.area_no, ar.name AS area_name,
                  i.source, i.definition, coalesce(n.n_values, 0) AS n_values
           FROM current_indicator i
           LEFT JOIN current_development_area ar ON ar.area_no = i.area_no
           LEFT JOIN (SELECT indicator_code, sum(n_values) AS n_values
                      FROM indicator_area_summary GROUP BY indicator_code) n
             ON n.indicator_code = i.code
           ORDER BY i.area_no NULLS LAST, i.name"""
    )


def indicator_values(
    store: Store, code: str, districts: tuple[str, ...] = (), sex: str | None = "T"
) -> pd.DataFrame:
    """Values of one indicator: district, year, sex, value, target, source (all when no filter)."""
    return indicator_values_of(store, (code,), districts, sex).drop(columns="indicator")


def indicator_values_of(
    store: Store, codes: tuple[str, ...], districts: tuple[str, ...] = (), sex: str | None = "T"
) -> pd.DataFrame:
    """`indicator_values` of several indicators in one query, with an `indicator` column."""
    return store.df(
        """SELECT v.indicator_code AS indicator, v.district_code AS district,
                  d.name AS district_name, v.year, v.sex,
                  v.value, v.target, coalesce(v.source, i.source) AS source
           FROM current_indicator_value v
           LEFT JOIN current_district d ON d.code = v.district_code
           LEFT JOIN current_indicator i ON i.code = v.indicator_code
           WHERE list_contains($codes::VARCHAR[], v.indicator_code)
             AND (len($districts::VARCHAR[]) = 0 OR list_contains($districts::VARCHAR[], v.district_code))
             AND ($sex IS NULL OR v.sex = $sex)
           ORDER BY v.indicator_code, v.district_code, v.year, v.sex""",
        {"codes": list(codes), "districts": list(districts), "sex": sex},
    )


def indicator_coverage(store: Store, code: str) -> pd.DataFrame:
    """Which areas have rows of an indicator, per sex: district, district_name, district_type,
    sex, n_values (0 when every row is a missing value), last_year, last_value; the focus and
    reference areas first, then by name. From the summary, so an indicator over every DeSO
    area of Sweden costs one row per area and sex, not one per value."""
    return store.df(
        f"""SELECT s.district_code AS district, coalesce(d.name, s.district_code) AS district_name,
                  d.district_type, s.sex, s.n_values, s.last_year, s.last_value
           FROM indicator_area_summary s LEFT JOIN current_district d ON d.code = s.district_code
           WHERE s.indicator_code = $code
           ORDER BY {_DISTRICT_ORDER_SQL}, district_name, s.district_code, s.sex""",
        {"code": code},
    )


def similar_areas(
    store: Store, code: str, sex: str, to: tuple[str, ...], exclude: tuple[str, ...], n: int = 2
) -> pd.DataFrame:
    """For each district in `to`, the `n` other areas (none of `exclude`) whose latest value of
    the indicator, in the same year, is nearest its own: near_to, district, distance; by
    `to`'s order, the nearest first (ties by area code)."""
    return store.df(
        """WITH s AS (
               SELECT district_code, last_year, last_value FROM indicator_area_summary
               WHERE indicator_code = $code AND sex = $sex AND n_values > 0
           ), me AS (
               SELECT s.*, list_position($to::VARCHAR[], district_code) AS rank FROM s
               WHERE list_contains($to::VARCHAR[], district_code)
           )
           SELECT me.district_code AS near_to, c.district_code AS district,
                  abs(c.last_value - me.last_value) AS distance
           FROM me JOIN s c ON c.last_year = me.last_year
           WHERE NOT list_contains($exclude::VARCHAR[], c.district_code)
             AND NOT list_contains($to::VARCHAR[], c.district_code)
           QUALIFY row_number() OVER (
               PARTITION BY me.district_code ORDER BY distance, c.district_code) <= $n
           ORDER BY me.rank, distance, c.district_code""",
        {"code": code, "sex": sex, "to": list(to), "exclude": list(exclude), "n": n},
    )


def latest_per_district(values: pd.DataFrame) -> pd.DataFrame:
    """Each district's latest year with a value, from an indicator_values frame."""
    present = values.dropna(subset=["value"])
    return present.loc[present.groupby("district")["year"].idxmax()]


def sexes_present(values: pd.DataFrame) -> list[str]:
    """The sexes a frame with a `sex` column has rows for (indicator_values, coverage), in the
    contract's order (T, K, M)."""
    return [s for s in domain.SEX_CODES if (values["sex"] == s).any()]


def indicator_trends(store: Store, district: str) -> pd.DataFrame:
    """Per indicator: the district's latest value, the change over up to `TREND_YEARS` years
    (from the first value in those years), whether that change goes the right way, the latest
    target, and Linköping's latest value.

    `improving` is True/False by the indicator's direction, None when unchanged, unknown
    direction, or fewer than two values.
    """
    return _memoised(store, ("indicator_trends", district), lambda: _trends(store, district))


def _trends(store: Store, district: str) -> pd.DataFrame:
    frame = store.df(
        """WITH s AS (
               SELECT indicator_code, district_code, last_year, last_value, last_target,
                      trend_year, trend_value
               FROM indicator_area_summary
               WHERE sex = 'T' AND n_values > 0 AND district_code IN ($district, $municipality)
           )
           SELECT i.code, i.name, i.unit, i.higher_is_better, i.area_no,
                  l.last_year AS latest_year, l.last_value AS latest_value,
                  l.last_target AS latest_target,
                  l.trend_value AS start_value, l.trend_year AS start_year,
                  m.last_value AS municipality_value, m.last_year AS municipality_year
           FROM current_indicator i
           JOIN s l ON l.indicator_code = i.code AND l.district_code = $district
           LEFT JOIN s m ON m.indicator_code = i.code AND m.district_code = $municipality
           ORDER BY i.area_no NULLS LAST, i.name""",
        {"district": district, "municipality": domain.MUNICIPALITY},
    )
    frame["change"] = frame["latest_value"] - frame["start_value"]
    frame.loc[frame["start_year"] == frame["latest_year"], "change"] = float("nan")

    def improving(change: float, higher_is_better: object) -> bool | None:
        if pd.isna(change) or change == 0 or pd.isna(higher_is_better):
            return None
        return bool((change > 0) == bool(higher_is_better))

    frame["improving"] = pd.Series(
        [improving(c, h) for c, h in zip(frame["change"], frame["higher_is_better"], strict=True)],
        index=frame.index,
        dtype=object,
    )
    return frame


def area_summary(store: Store, filters: Filters, district: str) -> pd.DataFrame:
    """Per development area, for one district: its actions by status and how many of its
    indicators develop the right way."""
    actions = action_status(store, replace(filters, districts=(district,)))
    trends = indicator_trends(store, district)
    areas = store.df("SELECT area_no, name FROM current_development_area ORDER BY area_no")
    rows = []
    for area in areas.itertuples():
        mine = actions[actions["area_no"] == area.area_no]
        counts = mine["status"].value_counts()
        ind = trends[trends["area_no"] == area.area_no]
        rows.append(
            {
                "area_no": int(area.area_no),
                "area_name": area.name,
                "actions": len(mine),
                **{s: int(counts.get(s, 0)) for s in domain.STATUS_ORDER},
                "indicators": len(ind),
                "improving": int((ind["improving"] == True).sum()),  # noqa: E712 (object column)
                "worsening": int((ind["improving"] == False).sum()),  # noqa: E712
            }
        )
    return pd.DataFrame(rows)


# --- what an import would change (the upload page's preview) --------------------------------


def plan_actions(store: Store, plan_years: list[int]) -> pd.DataFrame:
    """The current actions of the given plan years."""
    frame = store.df(
        """SELECT plan_year, action_no, area_no, title, description, lead_office,
                  partner_offices, districts, start_when, end_when
           FROM current_action WHERE list_contains($years::INTEGER[], plan_year)""",
        {"years": [int(y) for y in plan_years]},
    )
    for column in ("partner_offices", "districts"):
        frame[column] = frame[column].map(list)
    return frame


def statuses_of_actions(store: Store, actions: pd.DataFrame) -> pd.DataFrame:
    """Every current status row of the given (plan_year, action_no) pairs."""
    keys = actions[["plan_year", "action_no"]].drop_duplicates()
    with store.snapshot() as cur:
        cur.register("wanted_actions", keys)
        try:
            return cur.execute(
                """SELECT s.plan_year, s.action_no, s.period, s.status, s.progress, s.comment
                   FROM current_action_status s
                   JOIN wanted_actions w ON w.plan_year = s.plan_year AND w.action_no = s.action_no"""
            ).df()
        finally:
            cur.unregister("wanted_actions")


def values_at(store: Store, keys: pd.DataFrame) -> pd.DataFrame:
    """Current indicator values at the given (indicator, district, year, sex) keys."""
    wanted = keys[["indicator_code", "district_code", "year", "sex"]].drop_duplicates()
    with store.snapshot() as cur:
        cur.register("wanted_values", wanted)
        try:
            return cur.execute(
                """SELECT v.indicator_code, v.district_code, v.year, v.sex, v.value, v.target
                   FROM current_indicator_value v
                   JOIN wanted_values w USING (indicator_code, district_code, year, sex)"""
            ).df()
        finally:
            cur.unregister("wanted_values")


def batches(store: Store) -> pd.DataFrame:
    """The import history, newest first (the built-in master data is not part of it)."""
    return store.batches()


def source_batches(
    store: Store, plan_year: int, periods: list[str], districts: tuple[str, ...]
) -> pd.DataFrame:
    """The active imports whose rows a report for these plan year, periods and districts uses."""
    return store.df(
        """WITH used AS (
               SELECT batch_id FROM current_action WHERE plan_year = $plan_year
               UNION SELECT batch_id FROM current_action_status
                     WHERE plan_year = $plan_year AND list_contains($periods::VARCHAR[], period)
               UNION SELECT unnest(batch_ids) FROM indicator_area_summary
                     WHERE list_contains($districts::VARCHAR[], district_code)
               UNION SELECT batch_id FROM current_indicator
           )
           SELECT b.batch_id, b.file_name, b.imported_at, b.imported_by, b.kind, b.is_demo
           FROM import_batch b JOIN used USING (batch_id)
           WHERE b.batch_id <> $system
           ORDER BY b.batch_id""",
        {
            "plan_year": plan_year,
            "periods": periods,
            "districts": list(districts),
            "system": SYSTEM_BATCH_ID,
        },
    )


# --- the reporting round ----------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """A follow-up period's reporting round as it stands (the newest active opening)."""

    period: str
    plan_year: int
    deadline: date
    message: str | None
    is_open: bool
    opened_by: str
    opened_at: datetime
    batch_id: int


def reporting_rounds(store: Store) -> list[Round]:
    """Every period's round, the latest period first."""
    frame = store.df(
        "SELECT period, plan_year, deadline, message, is_open, opened_by, opened_at, batch_id "
        "FROM current_reporting_round"
    )
    rounds = [_round(r) for r in frame.to_dict("records")]
    return sorted(rounds, key=lambda r: domain.period_sort_key(r.period), reverse=True)


def _round(row: dict) -> Round:
    deadline = row["deadline"]
    return Round(
        period=row["period"],
        plan_year=int(row["plan_year"]),
        deadline=deadline.date() if isinstance(deadline, datetime) else deadline,
        message=row["message"] if isinstance(row["message"], str) else None,
        is_open=bool(row["is_open"]),
        opened_by=row["opened_by"],
        opened_at=pd.Timestamp(row["opened_at"]).to_pydatetime(),
        batch_id=int(row["batch_id"]),
    )


def reporting_round(store: Store, period: str) -> Round | None:
    return next((r for r in reporting_rounds(store) if r.period == period), None)


@dataclass(frozen=True)
class ReportingStatus:
    """Who has reported for a period: per office, and per action of the plan in force."""

    period: str
    plan_year: int | None  # None: no plan for the period's year or before
    round: Round | None
    today: date
    # office, office_name, contact_email, actions, reported, missing, last_by, last_at, last_file
    offices: pd.DataFrame
    # action_no, title, area_no, lead_office, lead_office_name, reported, status, progress,
    # comment, batch_id
    actions: pd.DataFrame

    @property
    def total(self) -> int:
        return len(self.actions)

    @property
    def reported(self) -> int:
        return int(self.actions["reported"].sum()) if len(self.actions) else 0

    @property
    def offices_missing(self) -> int:
        return int((self.offices["missing"] > 0).sum()) if len(self.offices) else 0

    @property
    def days_left(self) -> int | None:
        """Days to the deadline (0 on the day itself, negative once it has passed)."""
        if self.round is None:
            return None
        return (self.round.deadline - self.today).days

    def missing_actions(self, office: str) -> pd.DataFrame:
        frame = self.actions
        return frame[(frame["lead_office"] == office) & ~frame["reported"]].reset_index(drop=True)


_REPORTING_ACTIONS_SQL = """
SELECT a.action_no, a.title, a.area_no, a.lead_office,
       coalesce(o.name, a.lead_office) AS lead_office_name,
       s.status IS NOT NULL AS reported, s.status, s.progress, s.comment, s.batch_id
FROM current_action a
LEFT JOIN current_office o ON o.code = a.lead_office
LEFT JOIN current_action_status s
       ON s.plan_year = a.plan_year AND s.action_no = a.action_no AND s.period = ?
WHERE a.plan_year = ?
"""

_REPORTING_OFFICES_SQL = (
    """
WITH actions AS ("""
    + _REPORTING_ACTIONS_SQL
    + """),
per_office AS (
    SELECT lead_office AS office, any_value(lead_office_name) AS office_name,
           count(*) AS actions, count(*) FILTER (WHERE reported) AS reported,
           max(batch_id) AS last_batch
    FROM actions GROUP BY lead_office
)
SELECT p.office, p.office_name, o.contact_email, p.actions, p.reported,
       p.actions - p.reported AS missing,
       b.imported_by AS last_by, b.imported_at AS last_at, b.file_name AS last_file
FROM per_office p
LEFT JOIN current_office o ON o.code = p.office
LEFT JOIN import_batch b ON b.batch_id = p.last_batch
ORDER BY p.office_name
"""
)


def reporting_status(store: Store, period: str, today: date) -> ReportingStatus:
    """The plan in force for the period (the round's plan year once a round is open), each of
    its actions reported or not, and per lead office: how many, the last upload (who, when,
    which file) among the statuses that count now."""
    found = reporting_round(store, period)
    plan_year = (
        found.plan_year if found is not None else domain.plan_in_force(plan_years(store), period)
    )
    if plan_year is None:
        empty = pd.DataFrame()
        return ReportingStatus(period, None, found, today, empty, empty)
    with store.snapshot() as cur:
        actions = cur.execute(_REPORTING_ACTIONS_SQL, [period, plan_year]).df()
        offices = cur.execute(_REPORTING_OFFICES_SQL, [period, plan_year]).df()
    actions = sort_actions(actions)
    actions["reported"] = actions["reported"].astype(bool)
    for column in ("actions", "reported", "missing"):
        offices[column] = offices[column].astype(int)
    return ReportingStatus(period, int(plan_year), found, today, offices, actions)


def form_rows(store: Store, period: str, plan_year: int) -> pd.DataFrame:
    """The plan's actions for the period's forms, with the latest follow-up before the period
    (an action keeps its number from plan to plan): lead_office, action_no, title,
    previous_period, previous_status, previous_progress, previous_comment."""
    with store.snapshot() as cur:
        actions = cur.execute(
            "SELECT plan_year, action_no, area_no, title, lead_office FROM current_action "
            "WHERE plan_year = ?",
            [plan_year],
        ).df()
        earlier = cur.execute(
            "SELECT action_no, period, status, progress, comment FROM current_action_status "
            "WHERE action_no IN (SELECT action_no FROM current_action WHERE plan_year = ?)",
            [plan_year],
        ).df()
    before = domain.period_sort_key(period)
    earlier = earlier[[domain.period_sort_key(p) < before for p in earlier["period"]]]
    if len(earlier):
        earlier = earlier.assign(_key=[domain.period_sort_key(p) for p in earlier["period"]])
        earlier = earlier.sort_values("_key").groupby("action_no", sort=False).tail(1)
    previous = earlier.rename(
        columns={
            "period": "previous_period",
            "status": "previous_status",
            "progress": "previous_progress",
            "comment": "previous_comment",
        }
    ).drop(columns="_key", errors="ignore")
    rows = actions.merge(previous, on="action_no", how="left")
    return sort_actions(rows)


def reminders_sent(store: Store, period: str) -> pd.DataFrame:
    """The reminders sent for a period, newest first."""
    return store.df(
        "SELECT r.sent_at, r.sent_by, r.office_code, coalesce(o.name, r.office_code) AS "
        "office_name, r.recipient, r.action_nos, r.subject, r.body FROM reminder r "
        "LEFT JOIN current_office o ON o.code = r.office_code WHERE r.period = ? "
        "ORDER BY r.reminder_no DESC",
        [period],
    )


# --- the district map -------------------------------------------------------------------------


# A boundary layer of up to this many areas is drawn whole (Linköping has 32 RegSO and about
# 150 DeSO areas); a larger one around the focus districts.
WHOLE_LAYER_AREAS = 300


@dataclass(frozen=True)
class Boundaries:
    """The areas that have a boundary, from the newest active boundary file."""

    # code, name, district_type, region_code, west, south, east, north, is_focus
    areas: pd.DataFrame
    # the outlines of the areas with these codes, as GeoJSON text in the order asked
    outlines: Callable[[list[str]], list[str]]
    batch_id: int
    file_name: str
    imported_at: datetime
    is_demo: bool

    @cached_property
    def geojson(self) -> dict:
        """Every area as a FeatureCollection; each feature's id is the area's code."""
        return self._collection(range(len(self.areas)))

    def _collection(self, rows) -> dict:
        """The FeatureCollection of the areas at these positions, their outlines read and
        parsed in one go: a map around the focus districts reads its hundred, not a nation's
        6 000."""
        rows = list(rows)
        codes, names = self.areas["code"].to_numpy(), self.areas["name"].to_numpy()
        texts = self.outlines([str(codes[i]) for i in rows])
        geometries = orjson.loads("[" + ",".join(texts) + "]")
        features = [
            {"type": "Feature", "id": codes[i], "properties": {"name": names[i]}, "geometry": g}
            for i, g in zip(rows, geometries, strict=True)
        ]
        return {"type": "FeatureCollection", "features": features}

    def shown(self) -> tuple[pd.DataFrame, dict]:
        """The areas a map draws, and their FeatureCollection: a municipality's layer whole; a
        larger one (a national DeSO file) around the focus districts only, where its thousands
        of areas would be specks and every run would carry all their outlines. Worked out
        once per object (the app shares one per data revision; it is never changed)."""
        return self._shown

    @cached_property
    def _shown(self) -> tuple[pd.DataFrame, dict]:
        if len(self.areas) <= WHOLE_LAYER_AREAS:
            return self.areas, self.geojson
        return self.around_focus()

    @cached_property
    def region_codes(self) -> dict[str, str | None]:
        """Each area's code -> the RegSO code it lies in (None where the file gave none)."""
        return dict(zip(self.areas["code"], self.areas["region_code"], strict=True))

    def around_focus(self, margin: float = 0.5) -> tuple[pd.DataFrame, dict]:
        """The areas whose outline reaches into the focus districts' bounding box widened by
        `margin` of its size on every side, and their FeatureCollection: what a locator map
        shows, the same for one municipality's 32 areas as for every DeSO area of Sweden."""
        areas = self.areas
        focus = areas[areas["is_focus"]]
        if focus.empty:
            return areas, self.geojson
        west, east = focus["west"].min(), focus["east"].max()
        south, north = focus["south"].min(), focus["north"].max()
        dx, dy = (east - west) * margin, (north - south) * margin
        near = (
            (areas["east"] >= west - dx)
            & (areas["west"] <= east + dx)
            & (areas["north"] >= south - dy)
            & (areas["south"] <= north + dy)
        ).to_numpy()
        if near.all():
            return areas, self.geojson
        return areas[near], self._collection(near.nonzero()[0])


def boundaries(store: Store) -> Boundaries | None:
    """The newest active boundary file's areas with their extents (stored with the file); the
    outlines are read only for the areas a map draws (`Boundaries.outlines`)."""
    with store.snapshot() as cur:
        found = cur.execute(
            "SELECT b.district_code AS code, coalesce(d.name, b.district_code) AS name, "
            "d.district_type, d.region_code, e.west, e.south, e.east, e.north, b.batch_id "
            "FROM current_boundary b "
            "JOIN boundary_drawn e USING (batch_id, district_code) "
            "LEFT JOIN current_district d ON d.code = b.district_code "
            "ORDER BY b.district_code"
        ).df()
        if found.empty:
            return None
        batch_id = int(found["batch_id"].iloc[0])
        batch = cur.execute(
            "SELECT file_name, imported_at, is_demo FROM import_batch WHERE batch_id = ?",
            [batch_id],
        ).fetchone()
    areas = found.drop(columns="batch_id")
    return Boundaries(
        areas=areas.assign(is_focus=areas["district_type"] == domain.FOCUS_TYPE),
        outlines=partial(_outlines, store, batch_id),
        batch_id=batch_id,
        file_name=batch[0],
        imported_at=pd.Timestamp(batch[1]).to_pydatetime(),
        is_demo=bool(batch[2]),
    )


def _outlines(store: Store, batch_id: int, codes: list[str]) -> list[str]:
    """These areas' outlines as a map draws them (GeoJSON text, simplified when the file was
    imported), in this order, from one boundary file (whose rows never change: the same for
    every later read)."""
    with store.snapshot() as cur:
        found = dict(
            cur.execute(
                "SELECT district_code, outline FROM boundary_drawn"
                " WHERE batch_id = ? AND list_contains(?::VARCHAR[], district_code)",
                [batch_id, codes],
            ).fetchall()
        )
    return [found[code] for code in codes]


def map_values(store: Store, indicator: str, year: int, sex: str = "T") -> pd.DataFrame:
    """One row per area with a boundary: code, name, is_focus, value (None where the area has
    no value for the year), marker."""
    return store.df(
        """
        SELECT b.district_code AS code, coalesce(d.name, b.district_code) AS name,
               coalesce(d.district_type = ?, false) AS is_focus, v.value, v.marker
        FROM current_boundary b
        LEFT JOIN current_district d ON d.code = b.district_code
        LEFT JOIN current_indicator_value v
               ON v.district_code = b.district_code AND v.indicator_code = ? AND v.year = ?
              AND v.sex = ?
        ORDER BY name
        """,
        [domain.FOCUS_TYPE, indicator, int(year), sex],
    )


def map_years(store: Store, indicator: str) -> list[int]:
    """The years in which any area with a boundary has a value of the indicator, newest first."""
    frame = store.df(
        "SELECT DISTINCT v.year FROM current_indicator_value v "
        "JOIN current_boundary b ON b.district_code = v.district_code "
        "WHERE v.indicator_code = ? AND v.value IS NOT NULL ORDER BY v.year DESC",
        [indicator],
    )
    return [int(y) for y in frame["year"]]


def map_indicators(store: Store) -> pd.DataFrame:
    """The indicators with a value for any area that has a boundary: code, name, areas (how
    many areas have a value in some year), the most widely covered first."""
    return store.df(
        "WITH s AS (SELECT indicator_code, count(DISTINCT district_code) AS areas "
        "           FROM indicator_area_summary WHERE n_values > 0"
        "             AND district_code IN (SELECT district_code FROM current_boundary)"
        "           GROUP BY indicator_code) "
        "SELECT i.code, i.name, s.areas FROM current_indicator i "
        "JOIN s ON s.indicator_code = i.code ORDER BY s.areas DESC, i.name"
    )
