"""The check of an upload runs in a forked child with a memory ceiling and a time limit
(segdash.isolated): what the uploader's file costs is the child's, never the app's."""

from __future__ import annotations

import errno
import os
import time

import numpy as np
import pandas as pd
import pytest

from segdash import isolated
from segdash.config import Limits
from segdash.importer import UploadedFile, import_files, too_big_message, too_slow_message
from segdash.store import Store

MB = 1_000_000


def test_the_result_and_the_progress_come_back_in_order():
    seen: list[tuple[float, str]] = []

    def work(progress):
        progress(0.25, "en fjärdedel")
        progress(0.5, "hälften")
        return {"pid": os.getpid(), "rows": list(range(100_000))}

    result = isolated.run(
        work, memory_bytes=500 * MB, seconds=30, progress=lambda f, t: seen.append((f, t))
    )
    assert result["pid"] != os.getpid()  # it really ran elsewhere
    assert result["rows"] == list(range(100_000))
    assert seen == [(0.25, "en fjärdedel"), (0.5, "hälften")]


def big_result(progress):
    """What a checked national file sends back: a frame of codes and numbers, with a
    non-contiguous array and an odd-sized one beside it, and plain Python objects."""
    frame = pd.DataFrame(
        {
            "district_code": pd.Categorical([f"0580C{n % 6000:04d}" for n in range(300_000)]),
            "year": np.arange(300_000, dtype=np.int64) % 25 + 2000,
            "value": np.linspace(0.0, 99.9, 300_000),
        }
    )
    return {
        "frame": frame,
        "every_other": np.arange(1_001, dtype=np.float64)[::2],
        "odd": np.arange(7, dtype=np.int8),
        "names": ["Berga", "Ryd"],
    }


def assert_big_result(got) -> None:
    want = big_result(None)
    pd.testing.assert_frame_equal(got["frame"], want["frame"])
    np.testing.assert_array_equal(got["every_other"], want["every_other"])
    np.testing.assert_array_equal(got["odd"], want["odd"])
    assert got["names"] == ["Berga", "Ryd"]


def test_a_big_result_comes_back_whole_through_the_memory_file_and_can_be_changed(monkeypatch):
    files = []
    made = isolated._memory_file
    monkeypatch.setattr(isolated, "_memory_file", lambda: files.append(made()) or files[-1])
    got = isolated.run(big_result, memory_bytes=500 * MB, seconds=60)
    assert files and files[0] is not None  # Linux: the arrays went by the memory file
    assert_big_result(got)
    # The arrays lie in the parent's private mapping: they can be changed like any others,
    # and a second result is not the first one changed.
    got["frame"].loc[0, "value"] = -1.0
    got["frame"]["year"] += 1
    assert got["frame"]["value"].iloc[0] == -1.0 and got["frame"]["year"].iloc[0] == 2001
    assert_big_result(isolated.run(big_result, memory_bytes=500 * MB, seconds=60))


def test_without_a_memory_file_the_result_comes_by_the_pipe(monkeypatch):
    monkeypatch.setattr(isolated, "_memory_file", lambda: None)
    assert_big_result(isolated.run(big_result, memory_bytes=500 * MB, seconds=60))


def test_when_the_memory_file_is_full_the_result_comes_by_the_pipe(monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(isolated, "_write_all", full)  # in the forked child too
    assert_big_result(isolated.run(big_result, memory_bytes=500 * MB, seconds=60))


def test_an_exception_in_the_child_is_raised_in_the_parent():
    def work(progress):
        raise ValueError("trasig rad 7")

    with pytest.raises(ValueError, match="trasig rad 7"):
        isolated.run(work, memory_bytes=500 * MB, seconds=30)


def test_work_past_its_time_limit_is_stopped():
    def work(progress):
        progress(0.1, "börjar")
        time.sleep(60)
        return "klar"

    start = time.monotonic()
    with pytest.raises(isolated.TooSlow):
        isolated.run(work, memory_bytes=500 * MB, seconds=0.5)
    assert time.monotonic() - start < 10  # stopped, not waited for


def test_work_over_its_memory_ceiling_ends_the_child_not_the_caller():
    def work(progress):
        chunks = [bytearray(10 * MB) for _ in range(100)]  # a gigabyte
        return len(chunks)

    with pytest.raises(isolated.OutOfMemory):
        isolated.run(work, memory_bytes=200 * MB, seconds=60)
    assert (
        isolated.run(lambda progress: "still here", memory_bytes=200 * MB, seconds=30)
        == "still here"
    )


def big_values_csv(rows: int) -> UploadedFile:
    lines = ["Indikator;Område;År;Värde"]
    lines += [f"ARBL;Berga;{1900 + n % 120};{n % 97},5" for n in range(rows)]
    return UploadedFile("stor.csv", ("\n".join(lines) + "\n").encode())


@pytest.fixture
def demo_store(demo_db):
    with Store(demo_db) as store:
        yield store


def test_a_check_past_the_time_limit_is_refused_and_saves_nothing(demo_store):
    before = demo_store.table_contents()
    result = import_files(
        demo_store, [big_values_csv(200_000)], "anna", limits=Limits(check_seconds=0.2)
    )
    assert result.status == "refused"
    assert [i.message for i in result.issues] == [too_slow_message(0.2)]
    assert too_slow_message(0.2) == (
        "Kontrollen tog längre än 0,2 sekunder och avbröts; inget har sparats. Dela upp filen i "
        "mindre delar, eller ta bort blad och kolumner som inte ska importeras."
    )
    assert demo_store.table_contents() == before


def test_a_check_over_the_memory_ceiling_is_refused_and_saves_nothing(demo_store):
    before = demo_store.table_contents()
    result = import_files(
        demo_store, [big_values_csv(200_000)], "anna", limits=Limits(check_memory_bytes=30 * MB)
    )
    assert result.status == "refused"
    assert [i.message for i in result.issues] == [too_big_message(30 * MB)]
    assert too_big_message(30 * MB) == (
        "Kontrollen av filerna behövde mer än 30 MB minne och avbröts; inget har sparats. Dela "
        "upp filen i mindre delar, eller ta bort allt utanför tabellerna."
    )
    assert demo_store.table_contents() == before


def test_within_the_bounds_every_row_is_checked_and_imported(demo_store):
    codes = sorted(demo_store.reference_data()["indicators"]["code"])
    districts = ["Berga", "Ryd", "Skäggetorp", "Linköping"]
    lines = ["Indikator;Område;År;Värde"] + [
        f"{code};{district};{year};{(year % 50) + 0.5}".replace(".", ",")
        for code in codes
        for district in districts
        for year in range(1901, 2001)
    ]
    upload = UploadedFile("hundra_år.csv", ("\n".join(lines) + "\n").encode())
    result = import_files(demo_store, [upload], "anna", limits=Limits())
    assert result.status == "imported", [i.message for i in result.issues]
    (stored,) = (
        demo_store.read()
        .execute("SELECT count(*) FROM indicator_value WHERE batch_id = ?", [result.batch_ids[0]])
        .fetchone()
    )
    assert stored == len(lines) - 1 == len(codes) * 4 * 100
