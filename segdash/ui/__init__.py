"""The Streamlit side of segdash: the only package under `segdash/` that imports Streamlit.

- `data`: the process's database handle and cached, typed calls (`cached(queries.x, …)`,
  `figure(charts.y, frame, …)`);
- `lang`: the chosen language and translated labels;
- `sidebar`: the sidebar's filters, the URL, and URL-seeded choices (`url_choice`);
- `widgets`: escaped text, tables with downloads, charts with their table, empty states;
- `signin`: sign-in, the guard on the analyst pages, who may store uploads.

Pages import this package as `ui` and use the names below.
"""

import streamlit as st  # noqa: F401 - tests patch ui.st.secrets

from segdash.ui.data import (
    REVISION_KEY,
    _open_store,
    _stores,
    cached,
    figure,
    get_store,
    refresh_revision,
    settle_memory,
    shared,
    view,
)
from segdash.ui.lang import (
    LANG_KEY,
    lang,
    period_label,
    period_labels,
    status_labels,
    status_text,
    t,
)
from segdash.ui.maps import indicator_map, locator_map, no_map_message
from segdash.ui.sidebar import (
    FILTERS_KEY,
    current_filters,
    language_switch,
    set_page_param,
    sidebar_filters,
    sync_url,
    url_choice,
    url_text,
    url_values,
    url_views,
)
from segdash.ui.signin import (
    ANALYST_KEY,
    LAST_SEEN_KEY,
    _local_sign_in_form,
    _throttle,
    auth_mode,
    current_analyst,
    require_analyst,
    settings_warnings,
    sign_in_box,
    smtp_settings,
    sync_upload_permission,
)
from segdash.ui.widgets import (
    chart,
    chart_with_table,
    demo_banner,
    downloads,
    fold,
    md,
    require_follow_up,
    table,
    tm,
    wide_table,
)

__all__ = [
    "ANALYST_KEY",
    "FILTERS_KEY",
    "LANG_KEY",
    "LAST_SEEN_KEY",
    "REVISION_KEY",
    "_local_sign_in_form",
    "_open_store",
    "_stores",
    "_throttle",
    "auth_mode",
    "cached",
    "chart",
    "chart_with_table",
    "fold",
    "current_analyst",
    "current_filters",
    "demo_banner",
    "downloads",
    "figure",
    "indicator_map",
    "get_store",
    "lang",
    "locator_map",
    "language_switch",
    "md",
    "no_map_message",
    "period_label",
    "period_labels",
    "refresh_revision",
    "require_analyst",
    "require_follow_up",
    "set_page_param",
    "settings_warnings",
    "settle_memory",
    "shared",
    "sidebar_filters",
    "sign_in_box",
    "smtp_settings",
    "status_labels",
    "status_text",
    "sync_upload_permission",
    "sync_url",
    "t",
    "table",
    "tm",
    "url_choice",
    "url_text",
    "url_values",
    "url_views",
    "view",
    "wide_table",
]
