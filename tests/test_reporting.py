"""The reporting round on the demo data: forms per office, filled in as an office would and
imported through the same importer, who has reported (queries, CLI, the page), the round's
events, and forms made again after the plan changed."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from conftest import import_ok, import_refused, make_xlsx, rows, run_import, where

from segdash import cli, queries
from segdash.importer import UploadedFile
from segdash.importer.forms import DATA_SHEET
from segdash.reporting import rounds
from segdash.reporting.forms import forms_zip
from segdash.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent
PLAN_WORKBOOK = ROOT / "data" / "demo" / "atgardsplaner_2021-2023.xlsx"
TODAY = date(2025, 1, 20)
DEADLINE = date(2025, 2, 15)
MESSAGE = "Tack för ert arbete! Hör av er om något är oklart."
STATUS_COL, PROGRESS_COL, COMMENT_COL = 6, 7, 8  # F, G, H


def plan_2023_by_office() -> dict[str, list[tuple[str, str]]]:
    """The 2023 plan's actions per lead office, read from the demo workbook itself (not through
    segdash), as (number, title)."""
    ws = openpyxl.load_workbook(PLAN_WORKBOOK, read_only=True)["Åtgärder"]
    table = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(table) if r and r[0] == "Nr")
    header = list(table[header_at])
    names = {
        r[1]: r[0]
        for r in openpyxl.load_workbook(PLAN_WORKBOOK, read_only=True)["Förvaltningar"].iter_rows(
            min_row=2, values_only=True
        )
        if r[0]
    }
    out: dict[str, list[tuple[str, str]]] = {}
    for r in table[header_at + 1 :]:
        if not r or r[header.index("Planår")] != 2023:
            continue
        lead = r[header.index("Ansvarig förvaltning")]
        code = names.get(lead, lead)
        out.setdefault(code, []).append((str(r[0]), r[header.index("Åtgärd")]))
    return out


def open_2024(store: Store, by: str = "anna", deadline: date = DEADLINE) -> queries.Round:
    return rounds.open_round(
        store, period="2024", deadline=deadline, message=MESSAGE, by=by, today=TODAY
    )


def forms_by_office(store: Store) -> dict:
    return {f.office: f for f in rounds.forms_for(store, "2024")}


def fill(
    data: bytes,
    answers: dict[str, tuple[object, object, object]],
    cells: dict[tuple[str, int], object] | None = None,
) -> bytes:
    """A form as an office fills it in Excel: answers per action number (status, progress,
    comment); `cells` changes other cells by (action number, column)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Uppföljning"]
    for row in range(2, ws.max_row + 1):
        number = ws.cell(row, 1).value
        if number in answers:
            for col, value in zip(
                (STATUS_COL, PROGRESS_COL, COMMENT_COL), answers[number], strict=True
            ):
                ws.cell(row, col).value = value
        for (changed, col), value in (cells or {}).items():
            if changed == number:
                ws.cell(row, col).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def status_counts(store: Store, today: date = TODAY) -> dict[str, tuple[int, int, int]]:
    status = queries.reporting_status(store, "2024", today)
    return {o.office: (o.actions, o.reported, o.missing) for o in status.offices.itertuples()}


# --- the forms --------------------------------------------------------------------------------


def test_one_form_per_lead_office_with_that_office_s_actions_of_the_plan(demo_store):
    open_2024(demo_store)
    expected = plan_2023_by_office()
    forms = rounds.forms_for(demo_store, "2024")
    assert sorted(f.office for f in forms) == sorted(expected) == [
        "IAF", "KFF", "KLF", "SBF", "SOF", "UBF", "UTF"
    ]  # fmt: skip
    for form in forms:
        assert form.file_name == f"uppfoljning_2024_{form.office}.xlsx"
        ws = openpyxl.load_workbook(io.BytesIO(form.data))["Uppföljning"]
        got = [(ws.cell(r, 1).value, ws.cell(r, 3).value) for r in range(2, ws.max_row + 1)]
        assert sorted(got) == sorted(expected[form.office]), form.office
        assert form.actions == len(expected[form.office])
        assert {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)} == {2023}
        assert {ws.cell(r, 5).value for r in range(2, ws.max_row + 1)} == {"2024"}
    assert sum(f.actions for f in forms) == 50


def test_the_form_s_layout_locks_what_is_given_and_opens_what_the_office_answers(demo_store):
    open_2024(demo_store)
    wb = openpyxl.load_workbook(io.BytesIO(forms_by_office(demo_store)["UBF"].data))
    assert wb.sheetnames[:2] == ["Instruktioner", "Uppföljning"]
    assert wb[DATA_SHEET].sheet_state == "veryHidden"
    assert wb["Listor"].sheet_state == "hidden"
    ws = wb["Uppföljning"]
    headers = [c.value for c in ws[1]]
    assert headers == [
        "Nr", "Planår", "Åtgärd", "Ansvarig förvaltning", "Period", "Status", "Andel genomfört",
        "Kommentar", "Föregående period", "Föregående status", "Föregående andel genomfört",
        "Föregående kommentar",
    ]  # fmt: skip
    assert ws.protection.sheet is True and not ws.protection.password
    for row in range(2, ws.max_row + 1):
        for col in range(1, 13):
            locked = ws.cell(row, col).protection.locked
            assert locked is (col not in (STATUS_COL, PROGRESS_COL, COMMENT_COL)), (row, col)
        assert ws.cell(row, STATUS_COL).value is None
        assert ws.cell(row, 4).value == "Utbildningsförvaltningen"
    last = ws.max_row
    validations = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    status = validations[f"F2:F{last}"]
    assert status.type == "list" and status.formula1 == "'Listor'!$A$2:$A$6"
    assert [wb["Listor"].cell(r, 1).value for r in range(2, 7)] == [
        "Ej påbörjad", "Pågår enligt plan", "Pågår med avvikelse", "Genomförd", "Avbruten"
    ]  # fmt: skip
    progress = validations[f"G2:G{last}"]
    assert (progress.type, progress.formula1, progress.formula2) == ("decimal", "0", "100")
    # The previous follow-up (2023) beside each action, greyed
    previous = {
        ws.cell(r, 1).value: (ws.cell(r, 9).value, ws.cell(r, 10).value) for r in range(2, last + 1)
    }
    status_2023 = dict(
        rows(
            demo_store,
            "SELECT action_no, status FROM current_action_status WHERE period = '2023' "
            "AND plan_year = 2023",
        )
    )
    labels = {
        "not_started": "Ej påbörjad", "on_track": "Pågår enligt plan",
        "at_risk": "Pågår med avvikelse", "done": "Genomförd", "cancelled": "Avbruten",
    }  # fmt: skip
    assert previous == {no: ("2023", labels[status_2023[no]]) for no in previous}
    assert ws.cell(2, 10).fill.fgColor.rgb.endswith("D9D9D9")
    text = [c.value for c in wb["Instruktioner"]["A"] if c.value]
    assert text[0] == "Uppföljning 2024: Utbildningsförvaltningen"
    assert text[1] == "Sista dag att svara: 15 februari 2025"
    assert MESSAGE in text


def test_without_a_round_forms_need_a_deadline(demo_store):
    with pytest.raises(rounds.RoundError) as refused:
        rounds.forms_for(demo_store, "2024")
    assert str(refused.value) == (
        "Det finns ingen rapporteringsomgång för 2024. Öppna den (med sista dag) eller ange "
        "sista dag för blanketterna."
    )
    forms = rounds.forms_for(demo_store, "2024", deadline=DEADLINE)
    assert len(forms) == 7


def test_the_zip_holds_every_form(demo_store):
    open_2024(demo_store)
    forms = rounds.forms_for(demo_store, "2024")
    with zipfile.ZipFile(io.BytesIO(forms_zip(forms))) as archive:
        assert sorted(archive.namelist()) == sorted(f.file_name for f in forms)
        assert archive.read("uppfoljning_2024_UBF.xlsx") == forms_by_office(demo_store)["UBF"].data


def test_text_that_looks_like_a_formula_is_written_as_text(demo_store):
    rounds.open_round(
        demo_store, period="2024", deadline=DEADLINE, message='=HYPERLINK("x")', by="a", today=TODAY
    )
    wb = openpyxl.load_workbook(io.BytesIO(forms_by_office(demo_store)["UTF"].data))
    cells = [c for row in wb["Instruktioner"].iter_rows() for c in row if c.value]
    assert '\'=HYPERLINK("x")' in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


# --- filled-in forms through the importer -----------------------------------------------------


def test_a_filled_form_imports_exactly_what_the_office_wrote(demo_store):
    open_2024(demo_store)
    form = forms_by_office(demo_store)["UBF"]
    numbers = [no for no, _ in plan_2023_by_office()["UBF"]]
    answers = {
        numbers[0]: ("Genomförd", 100, "Klart i juni."),
        numbers[1]: ("Pågår med avvikelse", 40, "Försenat; ny plan i mars."),
        numbers[2]: ("klar", None, None),  # an alias, no progress
    }
    changed_title = "En annan rubrik"
    filled = fill(form.data, answers, {(numbers[3], 3): changed_title})
    result = import_ok(demo_store, UploadedFile("uppfoljning_2024_UBF.xlsx", filled))
    stored = rows(
        demo_store,
        "SELECT action_no, plan_year, status, progress, comment, batch_id FROM action_status "
        "WHERE period = '2024' ORDER BY action_no",
    )
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in stored] == sorted(
        [
            (numbers[0], 2023, "done", 100.0, "Klart i juni."),
            (numbers[1], 2023, "at_risk", 40.0, "Försenat; ny plan i mars."),
            (numbers[2], 2023, "done", None, None),
        ]
    )
    assert {r[5] for r in stored} == set(result.batch_ids)
    title_of = dict(plan_2023_by_office()["UBF"])
    row_of = {no: n for n, no in enumerate(numbers, start=2)}
    assert [where(i) for i in result.issues] == [
        (
            "4 åtgärder har ingen status och räknas som inte rapporterade: "
            + ", ".join(numbers[3:])
            + ".",
            "Uppföljning",
            None,
            "",
            "",
        ),
        (
            f"Åtgärd är låst i blanketten men har ändrats (stod ”{title_of[numbers[3]]}”). "
            "Ändringen läses inte in; blankettens värde gäller.",
            "Uppföljning",
            row_of[numbers[3]],
            "Åtgärd",
            changed_title,
        ),
    ]
    assert all(i.severity == "warning" for i in result.issues)
    # The plan itself is not changed by the form
    assert rows(
        demo_store,
        "SELECT title FROM current_action WHERE plan_year = 2023 AND action_no = ?",
        [numbers[3]],
    ) == [(title_of[numbers[3]],)]


def test_a_changed_number_or_period_in_a_form_is_a_warning_and_the_form_s_values_stand(demo_store):
    open_2024(demo_store)
    numbers = [no for no, _ in plan_2023_by_office()["SOF"]]
    filled = fill(
        forms_by_office(demo_store)["SOF"].data,
        {numbers[0]: ("Genomförd", 100, None)},
        {(numbers[0], 5): "2023"},  # the period, locked, typed over
    )
    result = import_ok(demo_store, UploadedFile("sof.xlsx", filled))
    assert (
        "Period är låst i blanketten men har ändrats (stod ”2024”). Ändringen läses inte in; "
        "blankettens värde gäller.",
        "Uppföljning",
        2,
        "Period",
        "2023",
    ) in [where(i) for i in result.issues]
    assert rows(
        demo_store,
        "SELECT period, status FROM action_status WHERE batch_id = ?",
        [result.batch_ids[0]],
    ) == [("2024", "done")]


def test_a_comment_without_a_status_is_an_error_and_nothing_is_stored(demo_store):
    open_2024(demo_store)
    numbers = [no for no, _ in plan_2023_by_office()["KLF"]]
    filled = fill(
        forms_by_office(demo_store)["KLF"].data,
        {
            numbers[0]: ("Genomförd", 100, None),
            numbers[1]: (None, 30, "Pågår, men vi vet inte hur det går."),
        },
    )
    issues = import_refused(demo_store, UploadedFile("klf.xlsx", filled))
    assert (
        "Status saknas, men Andel genomfört och Kommentar är ifyllt. Välj en status, annars kan "
        "det som skrivits inte sparas.",
        "Uppföljning",
        3,
        "Status",
        "",
    ) in [where(i) for i in issues]
    assert [i.message for i in issues if i.is_error] == [
        "Status saknas, men Andel genomfört och Kommentar är ifyllt. Välj en status, annars kan "
        "det som skrivits inte sparas."
    ]


def test_an_empty_form_imports_nothing(demo_store):
    open_2024(demo_store)
    (only,) = plan_2023_by_office()["UTF"]
    issues = import_refused(
        demo_store, UploadedFile("utf.xlsx", forms_by_office(demo_store)["UTF"].data)
    )
    assert sorted((i.severity, i.message) for i in issues) == [
        ("error", "Blanketten har ingen åtgärd med status, så inget importeras."),
        ("warning", f"1 åtgärd har ingen status och räknas som inte rapporterade: {only[0]}."),
    ]


def test_a_template_follow_up_with_another_title_warns_and_imports(demo_store):
    numbers = plan_2023_by_office()["UBF"]
    data = make_xlsx(
        {
            "Uppföljning": [
                ["Nr", "Åtgärd", "Period", "Status", "Planår"],
                [numbers[0][0], "Fel rubrik", "2024", "Genomförd", 2023],
                [numbers[1][0], numbers[1][1], "2024", "Genomförd", 2023],
            ]
        }
    )
    result = import_ok(demo_store, UploadedFile("mall.xlsx", data))
    assert [where(i) for i in result.issues] == [
        (
            f"Åtgärd skiljer sig från planen, där den är ”{numbers[0][1]}”. Rubriken läses inte in "
            "från uppföljningen.",
            "Uppföljning",
            2,
            "Åtgärd",
            "Fel rubrik",
        )
    ]


# --- who has reported, step by step -----------------------------------------------------------


def test_the_round_from_opening_to_every_office_reported(demo_store):
    expected = {office: len(actions) for office, actions in plan_2023_by_office().items()}
    open_2024(demo_store)
    assert status_counts(demo_store) == {o: (n, 0, n) for o, n in expected.items()}
    forms = forms_by_office(demo_store)
    numbers = {o: [no for no, _ in a] for o, a in plan_2023_by_office().items()}

    # UBF answers three of its seven; KLF all nine, uploaded together
    ubf = fill(
        forms["UBF"].data, {no: ("Pågår enligt plan", 50, None) for no in numbers["UBF"][:3]}
    )
    klf = fill(forms["KLF"].data, {no: ("Genomförd", 100, None) for no in numbers["KLF"]})
    import_ok(
        demo_store,
        UploadedFile("uppfoljning_2024_UBF.xlsx", ubf),
        UploadedFile("uppfoljning_2024_KLF.xlsx", klf),
    )
    counts = status_counts(demo_store)
    assert counts["UBF"] == (7, 3, 4) and counts["KLF"] == (9, 9, 0)
    assert all(counts[o] == (n, 0, n) for o, n in expected.items() if o not in ("UBF", "KLF"))
    status = queries.reporting_status(demo_store, "2024", TODAY)
    assert (status.total, status.reported, status.offices_missing) == (50, 12, 6)
    assert rounds.summary_line(status) == (
        "12 av 50 åtgärder rapporterade för 2024 · 6 förvaltningar kvar · sista dag 15 februari"
    )
    ubf_row = status.offices.set_index("office").loc["UBF"]
    assert (ubf_row.last_by, ubf_row.last_file) == ("test", "uppfoljning_2024_UBF.xlsx")
    assert list(status.missing_actions("UBF")["action_no"]) == numbers["UBF"][3:]

    # UBF sends the rest later (the earlier three stay); everyone else then answers
    ubf_rest = fill(forms["UBF"].data, {no: ("Ej påbörjad", 0, None) for no in numbers["UBF"][3:]})
    import_ok(demo_store, UploadedFile("uppfoljning_2024_UBF (2).xlsx", ubf_rest))
    assert status_counts(demo_store)["UBF"] == (7, 7, 0)
    for office in ("UTF", "SOF", "IAF", "SBF", "KFF"):
        import_ok(
            demo_store,
            UploadedFile(
                f"{office}.xlsx",
                fill(forms[office].data, {no: ("Genomförd", 100, None) for no in numbers[office]}),
            ),
        )
    status = queries.reporting_status(demo_store, "2024", DEADLINE + timedelta(days=3))
    assert (status.reported, status.offices_missing) == (50, 0)
    assert rounds.summary_line(status) == (
        "50 av 50 åtgärder rapporterade för 2024 · alla förvaltningar klara · sista dag 15 februari"
    )
    assert sorted(
        rows(
            demo_store,
            "SELECT status, count(*) FROM current_action_status WHERE period = '2024' "
            "AND action_no IN (SELECT unnest(?)) GROUP BY status",
            [numbers["UBF"]],
        )
    ) == [("not_started", 4), ("on_track", 3)]


def test_rolling_back_an_office_s_upload_makes_its_actions_missing_again(demo_store):
    open_2024(demo_store)
    numbers = [no for no, _ in plan_2023_by_office()["SOF"]]
    form = forms_by_office(demo_store)["SOF"]
    result = import_ok(
        demo_store,
        UploadedFile("sof.xlsx", fill(form.data, {n: ("Genomförd", 100, None) for n in numbers})),
    )
    assert status_counts(demo_store)["SOF"] == (5, 5, 0)
    demo_store.set_batch_state(result.batch_ids[0], False, "anna")
    assert status_counts(demo_store)["SOF"] == (5, 0, 5)


def test_the_deadline_text_before_on_and_after_the_day(demo_store):
    open_2024(demo_store)
    line = {
        day: rounds.summary_line(queries.reporting_status(demo_store, "2024", day))
        for day in (DEADLINE - timedelta(days=1), DEADLINE, DEADLINE + timedelta(days=2))
    }
    assert line[DEADLINE - timedelta(days=1)].endswith("· sista dag 15 februari")
    assert line[DEADLINE].endswith("· sista dag 15 februari")
    assert line[DEADLINE + timedelta(days=2)].endswith(
        "· sista dag 15 februari · 2 dagar efter sista dag"
    )
    assert rounds.deadline_text(14) == "14 dagar kvar"
    assert rounds.deadline_text(-1, "en") == "1 day past the deadline"


# --- the round's own record -------------------------------------------------------------------


def test_opening_closing_and_reopening_are_recorded(demo_store):
    opened = open_2024(demo_store, by="anna")
    assert (opened.period, opened.plan_year, opened.deadline, opened.is_open) == (
        "2024", 2023, DEADLINE, True
    )  # fmt: skip
    batch = demo_store.batch(opened.batch_id)
    assert (batch["kind"], batch["imported_by"], batch["file_name"]) == (
        "round", "anna", "Rapporteringsomgång 2024"
    )  # fmt: skip
    demo_store.set_round_open("2024", False, "bertil")
    assert queries.reporting_round(demo_store, "2024").is_open is False
    before = demo_store.table_contents()
    with pytest.raises(StoreError) as refused:
        demo_store.set_round_open("2024", False, "bertil")
    assert str(refused.value) == "Rapporteringsomgången för 2024 är redan stängd."
    assert demo_store.table_contents() == before
    demo_store.set_round_open("2024", True, "cecilia")
    assert queries.reporting_round(demo_store, "2024").is_open is True
    assert [r[1:3] for r in rows(demo_store, "SELECT event_no, event, actor FROM round_event ORDER BY 1")] == [
        ("open", "anna"), ("close", "bertil"), ("reopen", "cecilia")
    ]  # fmt: skip
    # Opening again with a later deadline supersedes; rolling that back brings the first back
    later = rounds.open_round(
        demo_store, period="2024", deadline=DEADLINE + timedelta(days=7), message=None, by="anna",
        today=TODAY,
    )  # fmt: skip
    assert queries.reporting_round(demo_store, "2024").deadline == DEADLINE + timedelta(days=7)
    demo_store.set_batch_state(later.batch_id, False, "anna")
    assert queries.reporting_round(demo_store, "2024").deadline == DEADLINE


def test_a_round_does_not_end_the_demo_banner(demo_store):
    assert demo_store.shows_demo_data()
    open_2024(demo_store)
    assert demo_store.shows_demo_data()


@pytest.mark.parametrize(
    ("period", "deadline", "message"),
    [
        ("2024-X", DEADLINE, "”2024-X” är ingen uppföljningsperiod. Skriv t.ex. 2024, 2024-T1, "
         "2024-H1 eller 2024-Q3."),
        ("2019", DEADLINE, "Det finns ingen åtgärdsplan för 2019 eller tidigare, så ingen "
         "rapportering för 2019 kan öppnas. Importera åtgärdsplanen först."),
        ("2024", date(2025, 1, 1), "Sista dagen 1 januari 2025 har redan passerat. Välj ett "
         "senare datum."),
    ],
)  # fmt: skip
def test_a_round_that_cannot_be_opened_says_why_and_changes_nothing(
    demo_store, period, deadline, message
):
    before = demo_store.table_contents()
    with pytest.raises(rounds.RoundError) as refused:
        rounds.open_round(
            demo_store, period=period, deadline=deadline, message=None, by="anna", today=TODAY
        )
    assert str(refused.value) == message
    assert demo_store.table_contents() == before


def test_refused_authorisation_at_the_write_changes_nothing(demo_store):
    before = demo_store.table_contents()

    def refuse() -> None:
        raise StoreError("Bara en inloggad analytiker kan göra det här.")

    with pytest.raises(StoreError):
        rounds.open_round(
            demo_store, period="2024", deadline=DEADLINE, message=None, by="x", today=TODAY,
            authorise=refuse,
        )  # fmt: skip
    assert demo_store.table_contents() == before


def test_forms_follow_a_changed_plan(demo_store):
    open_2024(demo_store)
    before = forms_by_office(demo_store)
    assert before["UTF"].actions == 1
    # A new version of the 2023 plan: UTF gets a second action, one of SOF's is renamed
    sof_first = plan_2023_by_office()["SOF"][0][0]
    data = make_xlsx(
        {
            "Åtgärder": [
                ["Nr", "Utvecklingsområde", "Åtgärd", "Ansvarig förvaltning", "Områden", "Planår"],
                *[
                    [no, int(no.split(".")[0]), title, office, "Alla", 2023]
                    for office, actions in plan_2023_by_office().items()
                    for no, title in actions
                    if no != sof_first
                ],
                [sof_first, int(sof_first.split(".")[0]), "Nytt namn", "SOF", "Alla", 2023],
                ["5.99", 5, "Ny åtgärd för UTF", "UTF", "Alla", 2023],
            ]
        }
    )
    import_ok(demo_store, UploadedFile("plan_2023_v2.xlsx", data))
    after = forms_by_office(demo_store)
    assert after["UTF"].actions == 2
    ws = openpyxl.load_workbook(io.BytesIO(after["UTF"].data))["Uppföljning"]
    assert "Ny åtgärd för UTF" in [ws.cell(r, 3).value for r in range(2, ws.max_row + 1)]
    sof = openpyxl.load_workbook(io.BytesIO(after["SOF"].data))["Uppföljning"]
    assert (sof_first, "Nytt namn") in [
        (sof.cell(r, 1).value, sof.cell(r, 3).value) for r in range(2, sof.max_row + 1)
    ]
    assert status_counts(demo_store)["UTF"] == (2, 0, 2)


# --- contact addresses ------------------------------------------------------------------------


def test_offices_carry_a_contact_address_and_a_bad_one_is_refused(demo_store):
    assert dict(rows(demo_store, "SELECT code, contact_email FROM current_office"))["UBF"] == (
        "uppfoljning.ubf@linkoping.example"
    )
    good = make_xlsx(
        {
            "Förvaltningar": [
                ["Kod", "Namn", "E-post"],
                ["UBF", "Utbildningsförvaltningen", "ubf@linkoping.se"],
            ]
        }
    )
    import_ok(demo_store, UploadedFile("kontakt.xlsx", good))
    assert dict(rows(demo_store, "SELECT code, contact_email FROM current_office"))["UBF"] == (
        "ubf@linkoping.se"
    )
    # A later office sheet without the column keeps the address
    plain = make_xlsx({"Förvaltningar": [["Kod", "Namn"], ["UBF", "Utbildningsförvaltningen"]]})
    import_ok(demo_store, UploadedFile("utan.xlsx", plain))
    assert dict(rows(demo_store, "SELECT code, contact_email FROM current_office"))["UBF"] == (
        "ubf@linkoping.se"
    )
    bad = make_xlsx(
        {"Förvaltningar": [["Kod", "Namn", "Kontakt"], ["UBF", "Utbildning", "ubf at linkoping"]]}
    )
    issues = import_refused(demo_store, UploadedFile("fel.xlsx", bad))
    assert [where(i) for i in issues] == [
        (
            "”ubf at linkoping” är ingen e-postadress (Kontakt: en adress, t.ex. "
            "namn@linkoping.se).",
            "Förvaltningar",
            2,
            "Kontakt",
            "ubf at linkoping",
        )
    ]


# --- the CLI, beside the same numbers ---------------------------------------------------------


def test_cli_round_forms_and_reporting_give_the_same_numbers(demo_store, tmp_path, capsys):
    db = str(demo_store.path)
    demo_store.close()
    deadline = (date.today() + timedelta(days=30)).isoformat()
    assert cli.main(["--db", db, "round", "open", "--period", "2024", "--deadline", deadline,
                     "--who", "anna"]) == 0  # fmt: skip
    capsys.readouterr()
    out = tmp_path / "blanketter"
    assert cli.main(["--db", db, "forms", "--period", "2024", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    expected = plan_2023_by_office()
    assert len(printed) == 2 + 7
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"uppfoljning_2024_{o}.xlsx" for o in expected
    )
    for line in printed[2:]:
        code = line.split()[0]
        n = len(expected[code])
        assert f"{n} åtgärd{'er' if n != 1 else ''}" in line
        assert line.endswith(f"uppfoljning_2024_{code}.xlsx")

    numbers = [no for no, _ in expected["UBF"]]
    filled = fill(
        (out / "uppfoljning_2024_UBF.xlsx").read_bytes(),
        {no: ("Genomförd", 100, None) for no in numbers[:2]},
    )
    (out / "ifylld_UBF.xlsx").write_bytes(filled)
    assert cli.main(["--db", db, "import", str(out / "ifylld_UBF.xlsx"), "--who", "anna"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", db, "reporting", "--period", "2024"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["Kod", "Förvaltning", "Åtgärder", "Rapporterade", "Saknas"]
    cells = {line.split()[0]: line.split()[-3:] for line in table[2:9]}
    with Store(db) as store:
        status = queries.reporting_status(store, "2024", date.today())
        assert cells == {
            o.office: [str(o.actions), str(o.reported), str(o.missing)]
            for o in status.offices.itertuples()
        }
        summary = rounds.summary_line(status)
    assert cells["UBF"] == ["7", "2", "5"]
    assert table[-1] == summary
    assert summary.startswith("2 av 50 åtgärder rapporterade för 2024 · 7 förvaltningar kvar")


def test_cli_forms_without_a_round_or_deadline_is_refused(demo_store, tmp_path, capsys):
    db = str(demo_store.path)
    demo_store.close()
    assert cli.main(["--db", db, "forms", "--period", "2024", "--out", str(tmp_path / "x")]) == 1
    assert capsys.readouterr().err == (
        "segdash: Det finns ingen rapporteringsomgång för 2024. Öppna den (med sista dag) eller "
        "ange sista dag för blanketterna.\n"
    )
    assert not (tmp_path / "x").exists()
    assert cli.main(["--db", db, "forms", "--period", "2024", "--out", str(tmp_path / "x"),
                     "--deadline", "15/2"]) == 2  # fmt: skip
    assert "”15/2” är inget datum" in capsys.readouterr().err


def test_run_import_of_two_forms_in_one_upload_reports_each(demo_store):
    open_2024(demo_store)
    forms = forms_by_office(demo_store)
    a = fill(forms["SBF"].data, {})
    b = fill(forms["IAF"].data, {})
    result = run_import(demo_store, UploadedFile("sbf.xlsx", a), UploadedFile("iaf.xlsx", b))
    assert result.status == "refused"
    assert {i.file for i in result.issues if i.is_error} == {"sbf.xlsx", "iaf.xlsx"}
