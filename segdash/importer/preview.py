"""What an import would change, worked out before anything is written.

For a plan: actions that are new, changed or dropped in each plan year. For a follow-up: each
action's status before and after, where "before" is the current status for that period or,
when the period is new, the action's status in the latest earlier period. For indicators:
values added, values replaced (old -> new) and values that stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segdash import domain, queries
from segdash.importer import CheckResult
from segdash.store import TABLE_COLUMNS, Store

# An action's fields besides its key (plan year, number): what a new plan may change.
_ACTION_FIELDS = TABLE_COLUMNS["action"][2:]


@dataclass
class Preview:
    counts: dict[str, int] = field(default_factory=dict)
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)
    statuses: pd.DataFrame = field(default_factory=pd.DataFrame)
    values: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())


def _frames(check: CheckResult, table: str) -> pd.DataFrame | None:
    frames = [
        f.frames[table] for f in check.new_files if table in f.frames and len(f.frames[table])
    ]
    return pd.concat(frames, ignore_index=True) if frames else None


def _same(a: object, b: object) -> bool:
    if isinstance(a, list | np.ndarray) or isinstance(b, list | np.ndarray):
        return list(a if a is not None else []) == list(b if b is not None else [])
    if pd.isna(a) and pd.isna(b):
        return True
    return a == b


def _plan_changes(store: Store, incoming: pd.DataFrame) -> pd.DataFrame:
    current = queries.plan_actions(store, sorted(incoming["plan_year"].unique()))
    merged = incoming.merge(
        current,
        on=["plan_year", "action_no"],
        how="outer",
        suffixes=("", "_before"),
        indicator=True,
    )
    rows = []
    for r in merged.to_dict("records"):
        if r["_merge"] == "left_only":
            change, fields = "new", []
        elif r["_merge"] == "right_only":
            change, fields, r["title"] = "removed", [], r["title_before"]
        else:
            fields = [f for f in _ACTION_FIELDS if not _same(r[f], r[f"{f}_before"])]
            change = "changed" if fields else "unchanged"
        rows.append(
            {
                "plan_year": int(r["plan_year"]),
                "action_no": r["action_no"],
                "title": r["title"],
                "change": change,
                "fields": fields,
            }
        )
    frame = pd.DataFrame(rows, columns=["plan_year", "action_no", "title", "change", "fields"])
    return queries.sort_actions(frame.assign(area_no=0)).drop(columns="area_no")


def _status_changes(store: Store, incoming: pd.DataFrame) -> pd.DataFrame:
    history = queries.statuses_of_actions(store, incoming)
    by_action: dict[tuple, list[tuple]] = {}
    for r in history.itertuples():
        by_action.setdefault((r.plan_year, r.action_no), []).append(
            (domain.period_sort_key(r.period), r.period, r.status, r.progress)
        )
    rows = []
    for r in incoming.itertuples():
        earlier = sorted(by_action.get((r.plan_year, r.action_no), []))
        same = [e for e in earlier if e[1] == r.period]
        before = same or [e for e in earlier if e[0] < domain.period_sort_key(r.period)][-1:]
        _, before_period, before_status, before_progress = before[0] if before else (None,) * 4
        if not before:
            change = "new"
        elif before_status == r.status and _same(before_progress, r.progress):
            change = "unchanged"
        else:
            change = "changed"
        rows.append(
            {
                "plan_year": r.plan_year,
                "action_no": r.action_no,
                "period": r.period,
                "before_period": before_period,
                "status_before": before_status,
                "status": r.status,
                "progress_before": before_progress,
                "progress": r.progress,
                "comment": r.comment,
                "change": change,
                "replaces": bool(same),  # a row for this very period exists and is superseded
            }
        )
    return pd.DataFrame(rows)


def _value_changes(store: Store, incoming: pd.DataFrame) -> pd.DataFrame:
    current = queries.values_at(store, incoming)
    keys = ["indicator_code", "district_code", "year", "sex"]
    merged = incoming.merge(current, on=keys, how="left", suffixes=("", "_before"), indicator=True)
    existed = (merged["_merge"] == "both").to_numpy()
    same_value = (merged["value"] == merged["value_before"]) | (
        merged["value"].isna() & merged["value_before"].isna()
    )
    same_target = (merged["target"] == merged["target_before"]) | (
        merged["target"].isna() & merged["target_before"].isna()
    )
    change = np.where(
        ~existed, "added", np.where(same_value & same_target, "unchanged", "replaced")
    )
    out = merged[[*keys, "value_before", "value", "target_before", "target"]].copy()
    out["change"] = change
    return out


def build_preview(store: Store, check: CheckResult) -> Preview:
    """What importing the checked files would change in the current data."""
    preview = Preview()
    counts: dict[str, int] = {}
    plan = _frames(check, "action")
    if plan is not None:
        preview.actions = _plan_changes(store, plan)
        for change in ("new", "changed", "removed", "unchanged"):
            counts[f"actions_{change}"] = int((preview.actions["change"] == change).sum())
    statuses = _frames(check, "action_status")
    if statuses is not None:
        preview.statuses = _status_changes(store, statuses)
        for change in ("new", "changed", "unchanged"):
            counts[f"statuses_{change}"] = int((preview.statuses["change"] == change).sum())
    values = _frames(check, "indicator_value")
    if values is not None:
        preview.values = _value_changes(store, values)
        for change in ("added", "replaced", "unchanged"):
            counts[f"values_{change}"] = int((preview.values["change"] == change).sum())
    for table, key in (
        ("indicator", "indicators"),
        ("office", "offices"),
        ("district", "districts"),
        ("development_area", "areas"),
    ):
        frame = _frames(check, table)
        if frame is not None:
            counts[key] = len(frame)
    preview.counts = counts
    return preview
