"""Local analyst accounts, sign-in checks, the failure throttle, the e-mail allow-list and
the `add-analyst` command."""

from __future__ import annotations

import io
import json
import logging
import stat

import pytest

from segdash import auth
from segdash.auth import AuthError, Throttle
from segdash.cli import main

PASSWORD = "ett-långt-lösenord"
NAME_RULE = "Användarnamnet får bara innehålla bokstäver, siffror och . _ @ -, 2–64 tecken."
PASSWORD_RULE = "Lösenordet måste ha minst 10 tecken."


@pytest.fixture
def accounts(tmp_path):
    return tmp_path / "analysts.json"


@pytest.fixture
def slept(monkeypatch):
    """The delays `verify` asks for, recorded instead of slept."""
    delays: list[float] = []
    monkeypatch.setattr("segdash.auth.time.sleep", delays.append)
    return delays


# --- add_analyst --------------------------------------------------------------------------


def test_add_analyst_stores_an_argon2_hash_never_the_password(accounts):
    assert auth.add_analyst("anna", PASSWORD, accounts) is True
    text = accounts.read_text(encoding="utf-8")
    stored = json.loads(text)["analysts"]
    assert list(stored) == ["anna"]
    assert stored["anna"]["password_hash"].startswith("$argon2")
    assert PASSWORD not in text
    assert auth.analyst_names(accounts) == ["anna"]


def test_accounts_file_is_readable_by_its_owner_only(accounts):
    auth.add_analyst("anna", PASSWORD, accounts)
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    auth.add_analyst("anna", "ett-annat-lösenord", accounts)
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600


def test_add_analyst_creates_the_folder(tmp_path):
    path = tmp_path / "data" / "ny" / "analysts.json"
    assert auth.add_analyst("anna", PASSWORD, path) is True
    assert auth.analyst_names(path) == ["anna"]


def test_changing_a_password_returns_false_and_only_the_new_one_works(accounts, slept):
    assert auth.add_analyst("anna", PASSWORD, accounts) is True
    assert auth.add_analyst("bertil", "bertils-lösenord", accounts) is True
    old_hash = json.loads(accounts.read_text(encoding="utf-8"))["analysts"]["anna"]["password_hash"]

    assert auth.add_analyst("anna", "ett-annat-lösenord", accounts) is False

    stored = json.loads(accounts.read_text(encoding="utf-8"))["analysts"]
    assert sorted(stored) == ["anna", "bertil"]
    assert stored["anna"]["password_hash"] != old_hash
    assert auth.verify("anna", "ett-annat-lösenord", Throttle(), accounts) is True
    assert auth.verify("anna", PASSWORD, Throttle(), accounts) is False
    assert auth.verify("bertil", "bertils-lösenord", Throttle(), accounts) is True


@pytest.mark.parametrize(
    "name",
    [
        "a",
        "",
        "x" * 65,
        "anna lind",
        "anna/../x",
        "anna;drop",
        "anna\n",
        "\nanna",
    ],
)
def test_name_outside_the_rules_is_refused(accounts, name):
    with pytest.raises(AuthError) as refused:
        auth.add_analyst(name, PASSWORD, accounts)
    assert str(refused.value) == NAME_RULE
    assert not accounts.exists()


@pytest.mark.parametrize("name", ["ab", "x" * 64, "åsa.öberg", "anna_l-2@lkpg"])
def test_name_inside_the_rules_is_accepted(accounts, name):
    assert auth.add_analyst(name, PASSWORD, accounts) is True
    assert auth.analyst_names(accounts) == [name]


@pytest.mark.parametrize("password", ["", "kort", "123456789", "ååååååååå"])
def test_short_password_is_refused(accounts, password):
    with pytest.raises(AuthError) as refused:
        auth.add_analyst("anna", password, accounts)
    assert str(refused.value) == PASSWORD_RULE
    assert not accounts.exists()


def test_password_of_exactly_ten_characters_is_accepted(accounts):
    assert auth.add_analyst("anna", "1234567890", accounts) is True


def test_unreadable_accounts_file_is_an_auth_error(accounts):
    accounts.write_text("{inte json", encoding="utf-8")
    with pytest.raises(AuthError) as refused:
        auth.add_analyst("anna", PASSWORD, accounts)
    assert str(refused.value).startswith(f"Filen med analytiker ({accounts}) kan inte läsas: ")
    assert accounts.read_text(encoding="utf-8") == "{inte json"


# --- verify -------------------------------------------------------------------------------


def test_verify_accepts_the_right_password_only(accounts, slept):
    auth.add_analyst("anna", PASSWORD, accounts)
    assert auth.verify("anna", PASSWORD, Throttle(), accounts) is True
    assert auth.verify(" anna ", PASSWORD, Throttle(), accounts) is True
    assert auth.verify("anna", PASSWORD + "x", Throttle(), accounts) is False
    assert auth.verify("anna", "", Throttle(), accounts) is False
    assert auth.verify("bertil", PASSWORD, Throttle(), accounts) is False


def test_verify_with_no_accounts_file_is_false(accounts, slept):
    assert auth.verify("anna", PASSWORD, Throttle(), accounts) is False


def test_verify_reads_the_file_named_by_the_environment(accounts, monkeypatch, slept):
    monkeypatch.setenv("SEGDASH_ANALYSTS", str(accounts))
    auth.add_analyst("anna", PASSWORD)
    assert accounts.exists()
    assert auth.verify("anna", PASSWORD, Throttle()) is True


# --- throttle -----------------------------------------------------------------------------


def test_throttle_doubles_per_failure_up_to_the_cap():
    throttle = Throttle(base_seconds=1.0, cap_seconds=30.0)
    delays = [throttle.delay_for("anna")]
    for _ in range(7):
        throttle.failed("anna")
        delays.append(throttle.delay_for("anna"))
    assert delays == [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_throttle_base_scales_the_delays():
    throttle = Throttle(base_seconds=0.5, cap_seconds=3.0)
    delays = []
    for _ in range(5):
        throttle.failed("anna")
        delays.append(throttle.delay_for("anna"))
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_throttle_counts_per_name_ignoring_case():
    throttle = Throttle()
    throttle.failed("Anna")
    throttle.failed("ANNA")
    assert throttle.delay_for("anna") == 2.0
    assert throttle.delay_for("bertil") == 0.0


def test_throttle_resets_on_success():
    throttle = Throttle()
    for _ in range(3):
        throttle.failed("anna")
    throttle.failed("bertil")
    throttle.succeeded("ANNA")
    assert throttle.delay_for("anna") == 0.0
    assert throttle.delay_for("bertil") == 1.0
    throttle.failed("anna")
    assert throttle.delay_for("anna") == 1.0


def test_verify_waits_longer_after_each_failure_and_resets_on_success(accounts, slept):
    auth.add_analyst("anna", PASSWORD, accounts)
    throttle = Throttle(base_seconds=1.0, cap_seconds=30.0)
    results = [
        auth.verify("anna", "fel-lösenord-1", throttle, accounts),
        auth.verify("Anna", "fel-lösenord-2", throttle, accounts),
        auth.verify("ANNA", "fel-lösenord-3", throttle, accounts),
        auth.verify("anna", PASSWORD, throttle, accounts),
        auth.verify("anna", "fel-lösenord-4", throttle, accounts),
    ]
    assert results == [False, False, False, True, False]
    assert slept == [0.0, 1.0, 2.0, 4.0, 0.0]


def test_unknown_names_are_throttled_too(accounts, slept):
    auth.add_analyst("anna", PASSWORD, accounts)
    throttle = Throttle(base_seconds=2.0)
    for _ in range(3):
        assert auth.verify("okänd", PASSWORD, throttle, accounts) is False
    assert auth.verify("anna", PASSWORD, throttle, accounts) is True
    assert slept == [0.0, 2.0, 4.0, 0.0]


# --- logging ------------------------------------------------------------------------------


def test_failed_sign_ins_are_logged_with_the_name_but_no_password_or_hash(accounts, slept, caplog):
    caplog.set_level(logging.INFO, logger="segdash.auth")
    auth.add_analyst("anna", PASSWORD, accounts)
    wrong = "helt-fel-lösenord"
    auth.verify("anna", wrong, Throttle(), accounts)
    auth.verify("okänd", PASSWORD, Throttle(), accounts)
    auth.verify("anna", PASSWORD, Throttle(), accounts)

    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert failures == [
        "failed sign-in for user name 'anna' (failure 1 in a row)",
        "failed sign-in for user name 'okänd' (failure 1 in a row)",
    ]
    for record in caplog.records:
        text = record.getMessage()
        assert PASSWORD not in text
        assert wrong not in text
        assert "$argon2" not in text
    assert PASSWORD not in caplog.text
    assert wrong not in caplog.text
    assert "$argon2" not in caplog.text


# --- local_sign_in_configured and the e-mail allow-list -----------------------------------


def test_local_sign_in_configured_only_with_an_account(accounts, monkeypatch):
    assert auth.local_sign_in_configured(accounts) is False
    accounts.write_text('{"analysts": {}}', encoding="utf-8")
    assert auth.local_sign_in_configured(accounts) is False
    auth.add_analyst("anna", PASSWORD, accounts)
    assert auth.local_sign_in_configured(accounts) is True
    monkeypatch.setenv("SEGDASH_ANALYSTS", str(accounts))
    assert auth.local_sign_in_configured() is True


@pytest.mark.parametrize("content", ["{inte json", "[]", '"text"'])
def test_broken_accounts_file_means_no_local_sign_in(accounts, content):
    accounts.write_text(content, encoding="utf-8")
    assert auth.local_sign_in_configured(accounts) is False


SECRETS = {"segdash": {"analysts": ["Anna@Linkoping.se"]}}


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("Anna@Linkoping.se", True),
        ("anna@linkoping.se", True),
        ("ANNA@LINKOPING.SE", True),
        (" anna@linkoping.se ", True),
        ("bertil@linkoping.se", False),
        ("anna@linkoping.se.evil.com", False),
        ("", False),
        (None, False),
    ],
)
def test_is_allowed_email(email, allowed):
    assert auth.is_allowed_email(email, SECRETS) is allowed


@pytest.mark.parametrize(
    "secrets",
    [{}, {"segdash": {}}, {"annat": {"analysts": ["anna@linkoping.se"]}}, {"segdash": "fel"}],
)
def test_is_allowed_email_without_a_list_is_false(secrets):
    assert auth.is_allowed_email("anna@linkoping.se", secrets) is False


# --- the add-analyst command --------------------------------------------------------------


@pytest.fixture
def env_accounts(accounts, monkeypatch):
    monkeypatch.setenv("SEGDASH_ANALYSTS", str(accounts))
    return accounts


def test_cli_add_analyst_from_stdin(env_accounts, monkeypatch, capsys, slept):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert main(["add-analyst", "anna", "--password-stdin"]) == 0
    out, err = capsys.readouterr()
    assert out == f"Analytikern anna tillagd i {env_accounts}.\n"
    assert err == ""
    assert auth.verify("anna", PASSWORD, Throttle(), env_accounts) is True
    assert PASSWORD not in env_accounts.read_text(encoding="utf-8")


def test_cli_add_analyst_again_changes_the_password(env_accounts, monkeypatch, capsys, slept):
    auth.add_analyst("anna", "det-gamla-lösenordet", env_accounts)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert main(["add-analyst", "anna", "--password-stdin"]) == 0
    assert capsys.readouterr().out == f"Analytikern anna har fått nytt lösenord i {env_accounts}.\n"
    assert auth.verify("anna", PASSWORD, Throttle(), env_accounts) is True
    assert auth.verify("anna", "det-gamla-lösenordet", Throttle(), env_accounts) is False


def test_cli_short_password_exits_1_and_saves_nothing(env_accounts, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["add-analyst", "anna", "--password-stdin"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"segdash: {PASSWORD_RULE}\n"
    assert not env_accounts.exists()


def test_cli_bad_name_exits_1(env_accounts, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert main(["add-analyst", "anna lind", "--password-stdin"]) == 1
    assert capsys.readouterr().err == f"segdash: {NAME_RULE}\n"
    assert not env_accounts.exists()


def test_cli_asks_twice_and_refuses_different_passwords(env_accounts, monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["add-analyst", "anna"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "segdash: Lösenorden är inte lika; inget sparades.\n"
    assert not env_accounts.exists()


def test_cli_asks_twice_and_saves_the_same_password(env_accounts, monkeypatch, capsys, slept):
    prompts: list[str] = []

    def ask(prompt=""):
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr("getpass.getpass", ask)
    assert main(["add-analyst", "anna"]) == 0
    assert prompts == ["Lösenord: ", "Samma lösenord igen: "]
    assert capsys.readouterr().out == f"Analytikern anna tillagd i {env_accounts}.\n"
    assert auth.verify("anna", PASSWORD, Throttle(), env_accounts) is True
