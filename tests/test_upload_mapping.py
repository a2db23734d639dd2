"""The upload page's mapping step (AppTest, real page, real database): a file in a layout of
its own is shown as recognised, the analyst's choices make it importable, and they can be
saved as a profile that is used again for the next file with the same header."""

from __future__ import annotations

import pytest
from conftest import make_xlsx, rows, sickness_absence_xlsx
from test_analyst_flow import XLSX, env, sign_in, start, store_of  # noqa: F401 - env is a fixture


def selectbox_for(at, label: str):
    return next(w for w in at.selectbox if w.label == label)


def report(at, severity: str = "Fel") -> list[str]:
    """The grouped report's messages of one severity."""
    for frame in at.dataframe:
        value = frame.value
        if "Meddelande" in value.columns and "Rader" in value.columns:
            return list(value[value["Typ"] == severity]["Meddelande"])
    return []


@pytest.fixture
def analyst(env):  # noqa: F811 - the fixture imported above
    at = sign_in(start("pages/upload.py"))
    return at, store_of(env)


def test_mapping_step_makes_a_foreign_layout_importable_and_saves_a_profile(analyst):
    at, store = analyst
    before = store.table_contents()
    at.file_uploader(key="uploader_0").set_value(
        ("ohalsotal_2024.xlsx", sickness_absence_xlsx(2024), XLSX)
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    # What was recognised is shown, and what is missing is said, naming the control.
    assert r"Anpassa inläsningen: ohalsotal\_2024\.xlsx" in [e.label for e in at.expander]
    assert report(at) == [
        "Bladet har ingen kolumn med värden (Värde eller Value). Kolumner som kan vara värden: "
        "”Månad”, ”Ohälsotalet”. Ange vilken kolumn som håller värdena med --column "
        "Värde=RUBRIK, t.ex. --column Värde=Ohälsotalet (på sidan: rollen Värde)."
    ]
    assert not [b for b in at.button if b.label == "Importera"]

    # The value column and the indicator.
    selectbox_for(at, "Ohälsotalet").set_value("Värde").run()
    selectbox_for(at, "Indikator för hela filen").set_value("OHAL").run()
    assert not at.exception
    assert report(at) == [
        "Okänt område. Lägg till området på bladet Områden eller med --add-districts (på sidan: "
        "”Lägg till okända områden”). (värde: ”Riket”)",
        "6 rader har samma indikator, område, period och kön som en annan rad. De skiljer sig "
        "i kolumnen ”Månad”, som inte ingår i formatet: 08, 09. Behåll ett värde med --where "
        "Månad=08 (på sidan: ”Behåll bara rader där”), eller läs bara vissa blad med --sheet.",
    ]
    # One month per year, and Riket added as a comparison area.
    selectbox_for(at, "Månad är").set_value("09").run()
    at.checkbox(
        key=next(c.key for c in at.checkbox if c.key.endswith("add_districts"))
    ).check().run()
    at.text_input(key=next(w.key for w in at.text_input if w.key.endswith("save_as"))).input(
        "FK ohälsotal"
    ).run()
    assert not at.exception
    assert "1 okänt område läggs till som jämförelseområde (--add-districts): Riket." in report(
        at, "Varning"
    )
    assert "Kolumnen ”Ålder” ingår inte i formatet och hoppas över." in report(at, "Varning")
    assert not at.error
    assert store.table_contents() == before  # nothing is written before the confirm

    at.checkbox(key="upload_reviewed").check().run()
    next(b for b in at.button if b.label == "Importera").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("importprofilen ”FK ohälsotal”" in s.value for s in at.success)
    stored = rows(
        store,
        "SELECT district_code, sex, value FROM current_indicator_value "
        "WHERE indicator_code = 'OHAL' AND year = 2024 AND district_code IN "
        "('Linköping', 'Riket') ORDER BY ALL",
    )
    assert stored == [
        ("Linköping", "K", 22.7),
        ("Linköping", "M", 16.7),
        ("Linköping", "T", 19.6),
        ("Riket", "K", 25.5),
        ("Riket", "M", 19.5),
        ("Riket", "T", 22.4),
    ]
    # The values' source is the definition's (the file has no Källa column).
    assert rows(
        store,
        "SELECT DISTINCT source FROM current_indicator_value WHERE year = 2024 "
        "AND district_code = 'Riket'",
    ) == [("Försäkringskassan (via Kolada)",)]
    profiles = store.profiles()
    assert list(profiles["name"]) == ["FK ohälsotal"] and list(profiles["saved_by"]) == ["anna"]

    # The history lists the profile as an import of its own, credited to the analyst.
    at.switch_page("pages/history.py").run()
    assert not at.exception, [e.message for e in at.exception]
    history = at.dataframe[0].value
    assert "Importprofil ”FK ohälsotal”" in list(history["Fil"])
    assert "Importprofil" in list(history["Typ"])
    at.switch_page("pages/upload.py").run()

    # Next year's file with the same header: the profile is offered and used at once.
    at.file_uploader(key="uploader_1").set_value(
        ("ohalsotal_2025.xlsx", sickness_absence_xlsx(2025, 1.1), XLSX)
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Importprofilen ”FK ohälsotal” passar filen och används." in at.info[0].value
    assert not at.error
    at.checkbox(key="upload_reviewed").check().run()
    next(b for b in at.button if b.label == "Importera").click().run()
    assert rows(
        store,
        "SELECT count(*) FROM current_indicator_value WHERE indicator_code = 'OHAL' "
        "AND year = 2025",
    ) == [(6,)]


def test_names_from_the_file_are_shown_literally_in_the_mapping_step(analyst):
    """A header or sheet name is data: never a link, an image or HTML in a label or heading."""
    at, _ = analyst
    header = "![bild](http://example.org/x.png)"
    sheet = "__fet__ <b>x<b>"
    data = make_xlsx({sheet: [["År", "Kommun", header], ["2024", "Riket", 1.5]]})
    at.file_uploader(key="uploader_0").set_value(("fil.xlsx", data, XLSX)).run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [w.label for w in at.selectbox]
    # Escaped, and the address broken by an invisible word joiner so it is not autolinked.
    assert "\\!\\[bild\\]\\(h\u2060ttp\\://example\\.org/x\\.png\\)" in labels
    assert header not in labels
    assert [h.value for h in at.subheader] == [
        r"Bladet ”\_\_fet\_\_ \<b\>x\<b\>”: rubrikraden är rad 1"
    ]
