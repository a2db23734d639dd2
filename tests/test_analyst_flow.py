"""The analyst's whole workflow through the real pages (AppTest), with real workbook bytes:
sign-in, a file with errors, a good follow-up with its preview, confirm, the same file
again, rollback and re-activation; and the refusals a viewer meets."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FOLLOWUP_HEADER, make_xlsx
from streamlit.testing.v1 import AppTest

from segdash import auth, i18n
from segdash import queries as q
from segdash.queries import Filters
from segdash.store import Store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "ett-långt-lösenord"


@pytest.fixture
def env(demo_db, tmp_path, monkeypatch) -> dict:
    analysts = tmp_path / "analysts.json"
    auth.add_analyst("anna", PASSWORD, analysts)
    monkeypatch.setenv("SEGDASH_ANALYSTS", str(analysts))
    monkeypatch.setenv("SEGDASH_SIGNIN_DELAY", "0")
    return {"db": demo_db, "analysts": analysts}


def store_of(at_env: dict) -> Store:
    """The app's own handle (one writer per process): the same one the pages use."""
    from segdash.ui import _open_store

    return _open_store(str(at_env["db"]))


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sign_in(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.text_input(key="page_sign_in_name").input("anna")
    at.text_input(key="page_sign_in_password").input(password)
    next(b for b in at.button if b.label == "Logga in").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def nav_labels(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def followup_bytes(rows: list[list]) -> bytes:
    return make_xlsx({"Uppföljning": [FOLLOWUP_HEADER + ["Planår"], *rows]})


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["pages/upload.py", "pages/history.py", "pages/reporting.py"])
def test_a_viewer_is_refused_by_url_and_sees_no_analyst_pages(env, page):
    at = start(page)
    assert [e.value for e in at.error] == [i18n.SV["auth.refused"]]
    assert not at.file_uploader and not at.title  # the page itself never ran
    assert not {"Ladda upp", "Rapportering", "Importhistorik"} & set(nav_labels(at))
    assert nav_labels(at)[:5] == ["Översikt", "Områden", "Åtgärder", "Förvaltningar", "Indikatorer"]


def test_without_any_sign_in_configured_the_app_says_how_to_enable_it(env, monkeypatch, tmp_path):
    monkeypatch.setenv("SEGDASH_ANALYSTS", str(tmp_path / "none.json"))
    at = start("pages/upload.py")
    assert [e.value for e in at.error] == [i18n.SV["auth.refused"]]
    assert [i.value for i in at.info] == [i18n.SV["auth.not_configured"]]
    assert not at.text_input  # no sign-in form: there is nobody to sign in as


def test_a_wrong_password_is_refused(env):
    at = sign_in(start("pages/upload.py"), "fel-lösenord-här")
    assert i18n.SV["auth.wrong"] in [e.value for e in at.error]
    assert i18n.SV["auth.refused"] in [e.value for e in at.error]
    assert not at.file_uploader


# --- the whole flow ---------------------------------------------------------------------------


def test_upload_preview_confirm_duplicate_rollback_and_restore(env):
    store = store_of(env)
    before_2023 = q.action_status(store, Filters(period="2023")).set_index("action_no")
    on_track = [n for n, s in before_2023["status"].items() if s == "on_track"][:2]
    assert len(on_track) == 2

    # Sign in with the hash the CLI's code made: the upload page opens, the menu grows.
    at = sign_in(start("pages/upload.py"))
    assert at.title[0].value == "Ladda upp"
    assert nav_labels(at)[-3:] == ["Ladda upp", "Rapportering", "Importhistorik"]

    # 1. A follow-up with errors: every error listed, nothing written, no confirm button.
    contents = store.table_contents()
    bad = followup_bytes(
        [
            [on_track[0], "2023", "Klar", 100, "ok", 2023],
            ["9.99", "2023", "Klar", 100, None, 2023],
            [on_track[1], "2023", "Pågår ibland", 50, None, 2023],
        ]
    )
    at.file_uploader(key="uploader_0").set_value(("uppföljning.xlsx", bad, XLSX)).run()
    assert not at.exception
    report = at.dataframe[0].value  # the grouped report: one line per problem and column
    assert list(report["Meddelande"]) == [
        "Åtgärd 9.99 finns inte i åtgärdsplanen för 2023.",
        "Okänd status ”Pågår ibland”. Menade du Pågår enligt plan?",
    ]
    assert list(report["Rader"]) == ["3", "4"]
    full = at.dataframe[1].value  # every issue on its own row, behind an expander
    assert list(full["Rad"]) == [3, 4]
    assert i18n.SV["upload.blocked"] in [e.value for e in at.error]
    assert not [b for b in at.button if b.label == "Importera"]
    assert store.table_contents() == contents

    # 2. The corrected file: preview numbers, then confirm.
    good = followup_bytes(
        [
            [on_track[0], "2023", "Genomförd", 100, "Klart i december", 2023],
            [on_track[1], "2023", "Pågår med avvikelse", 40, "Försenad", 2023],
        ]
    )
    at.file_uploader(key="uploader_0").set_value(("uppföljning.xlsx", good, XLSX)).run()
    assert not at.exception
    assert metrics(at) == {"Nya statusrader": "0", "Ändrad status": "2", "Oförändrad status": "0"}
    preview = at.dataframe[-1].value
    assert list(preview["Status före"]) == ["Pågår enligt plan", "Pågår enligt plan"]
    assert list(preview["Status nu"]) == ["Genomförd", "Pågår med avvikelse"]
    confirm = next(b for b in at.button if b.label == "Importera")
    assert confirm.disabled  # nothing is written before the preview is marked as reviewed
    at.checkbox(key="upload_reviewed").check().run()
    next(b for b in at.button if b.label == "Importera").click().run()
    assert not at.exception
    batches = store.batches()
    new_batch = int(batches["batch_id"].iloc[0])
    assert batches["imported_by"].iloc[0] == "anna"
    # The file name is data: escaped for markdown (it shows as uppföljning.xlsx).
    assert at.success[0].value == f"Importerat som import {new_batch}: uppföljning\\.xlsx: 2."

    # The overview shows the new numbers at once.
    after = q.key_figures(store, Filters(period="2023")).statuses.set_index("status")["count"]
    old = q.status_counts(before_2023.reset_index()).set_index("status")["count"]
    assert after["done"] == old["done"] + 1 and after["on_track"] == old["on_track"] - 2
    at.switch_page("pages/overview.py").run()
    assert metrics(at)["Genomförd"] == str(after["done"])
    assert metrics(at)["Pågår enligt plan"] == str(after["on_track"])

    # 3. The same file again: reported as already imported, not imported twice.
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="uploader_1").set_value(("uppföljning.xlsx", good, XLSX)).run()
    assert i18n.SV["upload.all_imported"] in [i.value for i in at.info]
    assert len(store.batches()) == len(batches)

    # 4. Roll the import back from the history page, then re-activate it.
    at.switch_page("pages/history.py").run()
    assert at.selectbox(key="history_pick").value == new_batch
    next(b for b in at.button if b.label == f"Återkalla import {new_batch}").click().run()
    next(b for b in at.button if b.label == "Ja, fortsätt").click().run()
    assert not at.exception
    assert (
        at.success[0].value == f"Import {new_batch} är återkallad; de tidigare värdena gäller igen."
    )
    at.switch_page("pages/overview.py").run()
    assert metrics(at)["Genomförd"] == str(old["done"])
    assert metrics(at)["Pågår enligt plan"] == str(old["on_track"])

    at.switch_page("pages/history.py").run()
    next(b for b in at.button if b.label == f"Återaktivera import {new_batch}").click().run()
    next(b for b in at.button if b.label == "Ja, fortsätt").click().run()
    assert at.success[0].value == f"Import {new_batch} är återaktiverad."
    at.switch_page("pages/overview.py").run()
    assert metrics(at)["Genomförd"] == str(after["done"])
    history = store.batches().set_index("batch_id")
    assert history.loc[new_batch, "last_event"] == "restore"
    assert history.loc[new_batch, "last_actor"] == "anna"


def test_the_report_downloads_as_xlsx_with_formula_text_escaped(env):
    at = sign_in(start("pages/upload.py"))
    # In CSV a leading '=' is plain text (in xlsx it would be a formula cell).
    hostile = "Nr;Period;Status;Planår\n=1+1;2023;Klar;2023\n".encode()
    at.file_uploader(key="uploader_0").set_value(("f.csv", hostile, "text/csv")).run()
    report = at.dataframe[1].value  # the full report, row by row
    assert report["Värde"].tolist() == ["=1+1"]  # shown as text on screen
    from segdash import exports

    data = exports.frame_to_xlsx(report, "Kontrollrapport")
    import io

    import openpyxl

    cell = openpyxl.load_workbook(io.BytesIO(data))["Kontrollrapport"]["F2"]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")
