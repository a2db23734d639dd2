"""The questions the pages ask, as parameterised DuckDB SQL returning DataFrames."""

from __future__ import annotations

import pandas as pd

from segdash.store import Store


def actions_per_plan_year(store: Store) -> pd.DataFrame:
    return store.df(
        "SELECT plan_year, count(*) AS actions FROM current_action GROUP BY plan_year "
        "ORDER BY plan_year"
    )
