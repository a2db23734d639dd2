"""The chosen language, and translated texts and labels in it."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from segdash import i18n

LANG_KEY = "lang"


def lang() -> str:
    chosen = st.session_state.get(LANG_KEY) or st.query_params.get(LANG_KEY)
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    return i18n.text(lang(), key, **values)


def period_label(period: str | None) -> str:
    return i18n.period_label(lang(), period) if period else t("filter.no_periods")


def period_labels(periods: Sequence[str]) -> dict[str, str]:
    return {p: period_label(p) for p in periods}


def status_labels() -> dict[str, str]:
    return i18n.status_labels(lang())


def status_text(code: object) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return t("status.new")
    return status_labels().get(str(code), str(code))
