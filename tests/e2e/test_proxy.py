"""The deployment recipe in deploy/, proven: the real nginx with deploy/nginx/segdash.conf in
front of the real app (`python -m segdash serve`), and Chromium driving the app through it over
HTTPS.

The nginx file is the one source of truth. It names its site values in its header (host name,
certificate, the app's address, the listen ports); `render_nginx` replaces exactly those, as an
installer does, and nothing else. Every other line is tested as shipped. The test runs its own
nginx (`-p`/`-c` in a temporary folder, pid, logs and temp files inside it) on free ports of
127.0.0.1, with a self-signed certificate made here.

The unit files in deploy/systemd/ are parsed, checked against what the recipe promises and,
where `systemd-analyze` exists, verified by systemd itself.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import http.client
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import streamlit

from segdash import i18n

from .harness import (
    HOST,
    ROOT,
    VIEW_PAGES,
    XLSX,
    BrowserErrors,
    context_options,
    copy_database,
    exceptions_on_page,
    free_port,
    is_local,
    main_area,
    prepare_context,
    read_table,
    rerun,
    server_log,
    sign_in,
    streamlit_server,
    wait_for_app,
    write_analysts,
)

pytestmark = pytest.mark.e2e

DEPLOY = ROOT / "deploy"
NGINX_CONF = DEPLOY / "nginx" / "segdash.conf"
SYSTEMD = DEPLOY / "systemd"
INSTALL_DIR = "/opt/segdash"
MISSING_NGINX = (
    "The proxy test needs nginx (the recipe in deploy/nginx/ is tested with the real one). "
    "Install it with `apt-get install nginx` (CI does this in .ci/run)."
)

# What deploy/nginx/segdash.conf promises, as the numbers a client can observe.
MAX_BODY = 51 * 1024 * 1024  # client_max_body_size 51m on the upload location
UPLOAD_BURST = 10  # limit_req ... burst=10 nodelay: this many at once after the first
STREAMLIT_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def expected_headers(https_port: int) -> dict[str, str]:
    """The security headers every HTTPS response carries, exactly."""
    return {
        "strict-transport-security": "max-age=31536000; includeSubDomains",
        "content-security-policy": (
            "default-src 'self'; "
            "script-src 'self' 'sha256-THxz9J9+wf7rhwR2YkXJoSZ13UCmYyC+3lNDv2+8ugA=' 'wasm-unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' blob:; "
            "worker-src 'self' blob:; child-src 'self' blob:; font-src 'self' data:; "
            f"connect-src 'self' wss://{HOST}:{https_port}; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        ),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }


# --- rendering the recipe --------------------------------------------------------------------


def directive_text(config: str) -> str:
    """The config without its comment lines."""
    return "\n".join(line for line in config.splitlines() if not line.lstrip().startswith("#"))


def render_nginx(template: str, values: dict[str, str]) -> str:
    """The shipped config with its site values replaced; each must be in a directive, so a
    renamed value fails here instead of leaving the test on the shipped one."""
    directives = directive_text(template)
    missing = [site for site in values if site not in directives]
    assert not missing, f"{NGINX_CONF.name} no longer has the site values {missing}"
    for site, value in values.items():
        template = template.replace(site, value)
    return template


def nginx_site_values(https_port: int, http_port: int, app_port: int, cert: Path, key: Path):
    return {
        "segdash.example.se": HOST,
        "/etc/ssl/segdash/fullchain.pem": str(cert),
        "/etc/ssl/segdash/privkey.pem": str(key),
        "127.0.0.1:8501": f"{HOST}:{app_port}",
        "listen 443 ssl;": f"listen {HOST}:{https_port} ssl;",
        "listen 80;": f"listen {HOST}:{http_port};",
    }


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, valid for a day, and its key (cryptography, else openssl)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-addext",
                f"subjectAltName=IP:{HOST}",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)
    return cert, key


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        pytest.fail(MISSING_NGINX, pytrace=False)
    return found


def _listening(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def running_nginx(nginx: str, directory: Path, app_port: int) -> Iterator[tuple[int, int]]:
    """nginx with the rendered recipe, in the foreground; yields (HTTPS port, HTTP port).
    Always stopped: terminate, then kill if it has not gone in 10 seconds."""
    directory.mkdir(parents=True, exist_ok=True)
    https_port, http_port = free_port(), free_port()
    cert, key = self_signed_certificate(directory)
    site = render_nginx(
        NGINX_CONF.read_text(encoding="utf-8"),
        nginx_site_values(https_port, http_port, app_port, cert, key),
    )
    (directory / "segdash.conf").write_text(site, encoding="utf-8")
    # Run as root (as in CI), nginx's workers would be "nobody", who cannot write in here.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = directory / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} info;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {directory / 'access.log'};\n{temp}\n"
        f"    include {directory / 'segdash.conf'};\n}}\n",
        encoding="utf-8",
    )
    command = [nginx, "-p", str(directory), "-c", str(main)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    report = checked.stdout + checked.stderr
    assert checked.returncode == 0 and "[warn]" not in report and "[emerg]" not in report, (
        f"nginx -t on the rendered recipe:\n{report}"
    )
    log_path = directory / "nginx.out"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [*command, "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 30
            while not (_listening(https_port) and _listening(http_port)):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "nginx did not start:\n"
                        + log_path.read_text()
                        + (directory / "error.log").read_text()
                    )
                time.sleep(0.1)
            yield https_port, http_port
        finally:
            process.send_signal(signal.SIGTERM)  # fast shutdown: open WebSockets do not wait
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@dataclass(frozen=True)
class Proxy:
    https_port: int
    http_port: int
    app_url: str  # the app itself, on its own port
    workdir: Path

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.https_port}"


@pytest.fixture(scope="module")
def proxy(demo_path, tmp_path_factory) -> Iterator[Proxy]:
    nginx = nginx_binary()
    workdir = tmp_path_factory.mktemp("proxy")
    app_dir = workdir / "app"
    db = copy_database(demo_path, app_dir)
    analysts = write_analysts(app_dir / "analysts.json")
    with streamlit_server(db, analysts, app_dir) as app_url:
        with running_nginx(nginx, workdir / "nginx", urlsplit(app_url).port) as (https, http):
            yield Proxy(https, http, app_url, app_dir)


# --- a plain client ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


def call(
    port: int,
    path: str,
    method: str = "GET",
    body=None,
    headers: dict | None = None,
    tls: bool = True,
    source: str = HOST,
    chunked: bool = False,
) -> Reply:
    """One request, exactly as given (no redirects followed, no path normalised), from a given
    loopback address (127.0.0.x): nginx's rate limit counts per client address, so each test
    that uploads comes from its own address and no test uses up another's allowance."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(
            HOST, port, context=context, timeout=120, source_address=(source, 0)
        )
    else:
        conn = http.client.HTTPConnection(HOST, port, timeout=120, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        response = conn.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


def assert_security_headers(reply: Reply, https_port: int) -> None:
    for name, value in expected_headers(https_port).items():
        assert reply.values(name) == [value], (name, reply.status, reply.headers)


# --- the browser ------------------------------------------------------------------------------

# Every CSP violation a page sees, sent to the test (survives navigation, unlike page state).
CSP_LISTENER_JS = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__segdashCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
                               + ` at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def upload(page, uploader, files) -> int:
    """Give the file uploader files; wait for the PUT (through the proxy) and the run after it.
    Returns the PUT's status."""
    with (
        rerun(page),
        page.expect_response(
            lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT",
            timeout=120_000,
        ) as put,
    ):
        uploader.set_input_files(files=files)
    return put.value.status


def test_the_app_works_through_the_proxy_with_no_csp_violation_and_no_other_host(
    browser, proxy, tmp_path
):
    context = browser.new_context(**context_options(proxy.url), ignore_https_errors=True)
    violations: list[str] = []
    console_csp: list[str] = []
    elsewhere: list[str] = []
    context.expose_binding("__segdashCspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(CSP_LISTENER_JS)
    prepare_context(context)
    context.on("request", lambda r: None if is_local(r.url) else elsewhere.append(r.url))
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = BrowserErrors(page)
    page.on(
        "console",
        lambda m: (
            console_csp.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None
        ),
    )
    try:
        document = page.goto("/")
        wait_for_app(page)  # connected over the WebSocket and a script run has finished
        assert page.evaluate("location.protocol") == "https:"
        heading = main_area(page).get_by_role("heading", level=1)
        assert heading.inner_text() == i18n.SV["overview.title"]
        # The main document's security headers, each exactly once.
        headers = document.headers_array()
        for name, value in expected_headers(proxy.https_port).items():
            assert [h["value"] for h in headers if h["name"].lower() == name] == [value], name

        # What a CSP could break: plotly's "download as png" (an SVG drawn on a canvas)...
        chart = main_area(page).locator('[data-testid="stPlotlyChart"]').first
        with page.expect_download() as png:
            chart.locator('[data-title="Download plot as a PNG"]').dispatch_event("click")
        assert png.value.suggested_filename.endswith(".png")
        # ... every page's charts and tables, a table's own CSV download and an Excel export.
        for path in VIEW_PAGES:
            page.goto("/" if path == "oversikt" else f"/{path}")
            wait_for_app(page)
            if path == "atgarder":
                assert read_table(
                    page, main_area(page).locator('[data-testid="stDataFrame"]').first
                )
                with page.expect_download() as xlsx:
                    main_area(page).get_by_role("button", name=i18n.SV["export.xlsx"]).first.click()
                assert xlsx.value.suggested_filename.endswith(".xlsx")
        # An analyst's upload through the proxy: XSRF cookie, PUT and the guard all work.
        page.goto("/ladda-upp")
        wait_for_app(page)
        sign_in(page, main_area(page))
        uploader = main_area(page).locator('[data-testid="stFileUploaderDropzoneInput"]')
        workbook = ROOT / "data" / "demo" / "uppfoljningar_2021-2023.xlsx"
        small = {"name": workbook.name, "mimeType": XLSX, "buffer": workbook.read_bytes()}
        assert upload(page, uploader, [small]) == 204
        # A file of the app's own limit (SEGDASH_MAX_UPLOAD_MB, 50 MB) passes nginx's body
        # limit in its multipart framing (its contents are refused by the check, not here).
        big = tmp_path / "stor.xlsx"
        big.write_bytes(b"\0" * 50_000_000)
        assert upload(page, uploader, [big]) == 204
        page.wait_for_timeout(500)  # a favicon or a late request after drawing
    finally:
        problems = errors.errors + [f"traceback: {e}" for e in exceptions_on_page(page)]
        context.close()
    assert violations == [], "\n".join(sorted(set(violations)))
    assert console_csp == [], "\n".join(sorted(set(console_csp)))
    assert elsewhere == []
    assert problems == [], (
        "\n".join(problems) + "\n--- app log:\n" + server_log(proxy.workdir)[-3000:]
    )


def test_the_script_hash_in_the_policy_is_that_of_streamlits_inline_script():
    index = Path(streamlit.__file__).parent / "static" / "index.html"
    scripts = STREAMLIT_INLINE_SCRIPT.findall(index.read_text(encoding="utf-8"))
    hashes = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts]
    policy = directive_text(NGINX_CONF.read_text(encoding="utf-8"))
    shipped = re.findall(r"'sha256-([^']+)'", policy)
    assert shipped == hashes, (
        f"Streamlit {streamlit.__version__}'s index.html has inline scripts with the hashes "
        f"{hashes}; put them in script-src in {NGINX_CONF.relative_to(ROOT)}"
    )


# --- what a plain client sees -----------------------------------------------------------------


def test_metrics_are_refused_through_the_proxy_but_answer_on_the_app_port(proxy):
    app_port = urlsplit(proxy.app_url).port
    direct = call(app_port, "/_stcore/metrics", tls=False)
    assert direct.status == 200 and direct.body, direct
    for path in (
        "/_stcore/metrics",
        "/_stcore/metrics/",
        "//_stcore/metrics",
        "/_stcore/%6detrics",
        "/_stcore/metrics?format=protobuf",
    ):
        refused = call(proxy.https_port, path)
        assert refused.status == 404, (path, refused.status)
        assert b"cache_memory_bytes" not in refused.body
        assert_security_headers(refused, proxy.https_port)
    assert call(proxy.https_port, "/_stcore/health").body == b"ok"


def test_an_upload_over_the_limit_gets_413_from_nginx(proxy):
    source = "127.0.0.3"
    path = "/_stcore/upload_file/x/y"
    too_big = call(
        proxy.https_port,
        path,
        "PUT",
        body=b"\0" * (MAX_BODY + 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
        source=source,
    )
    assert too_big.status == 413
    assert b"<center>nginx</center>" in too_big.body  # nginx's own page: the app never saw it
    assert_security_headers(too_big, proxy.https_port)
    # Without a Content-Length (chunked) nginx counts as it reads and stops at the limit too.
    chunk = b"\0" * (1024 * 1024)
    chunked = call(
        proxy.https_port,
        path,
        "PUT",
        body=iter([chunk] * 53),
        chunked=True,
        headers={"Content-Type": "application/octet-stream"},
        source=source,
    )
    assert chunked.status == 413 and b"<center>nginx</center>" in chunked.body
    # A file of the app's own limit does pass: the browser test uploads one.


def test_uploads_coming_too_fast_get_429(proxy):
    """Burst of 10 on top of the first, then 12 a minute: the 12th at once is refused. The
    requests are refused by the app (no XSRF token, 403) when nginx lets them through."""
    statuses = [
        call(
            proxy.https_port, f"/_stcore/upload_file/x/{n}", "PUT", body=b"x", source="127.0.0.2"
        ).status
        for n in range(UPLOAD_BURST + 4)
    ]
    assert statuses == [403] * (UPLOAD_BURST + 1) + [429] * 3, statuses
    limited = call(
        proxy.https_port, "/_stcore/upload_file/x/y", "PUT", body=b"x", source="127.0.0.2"
    )
    assert limited.status == 429
    assert_security_headers(limited, proxy.https_port)
    # Another address has its own allowance, and nothing else is limited.
    assert (
        call(
            proxy.https_port, "/_stcore/upload_file/x/y", "PUT", body=b"x", source="127.0.0.4"
        ).status
        == 403
    )
    assert all(
        call(proxy.https_port, "/_stcore/health", source="127.0.0.2").status == 200
        for _ in range(5)
    )


def test_http_redirects_to_https(proxy):
    reply = call(proxy.http_port, "/omraden?period=2022&omrade=Ryd", tls=False)
    assert reply.status == 301
    # The shipped config listens on 443, the default port, so the address has none.
    assert reply.values("location") == [f"https://{HOST}/omraden?period=2022&omrade=Ryd"]


def _handshake(port: int, lowest: ssl.TLSVersion, highest: ssl.TLSVersion) -> str:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the client offer old versions
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1 and TLSv1_1 are
        context.minimum_version, context.maximum_version = lowest, highest
    with socket.create_connection((HOST, port), timeout=10) as raw:
        with context.wrap_socket(raw) as tls:
            return tls.version()


def test_tls_is_1_2_or_1_3_only(proxy):
    port, v = proxy.https_port, ssl.TLSVersion
    assert _handshake(port, v.TLSv1_2, v.TLSv1_2) == "TLSv1.2"
    assert _handshake(port, v.TLSv1_3, v.TLSv1_3) == "TLSv1.3"
    # The client offers TLS 1.0 and 1.1; the server's alert is the refusal.
    with pytest.raises(ssl.SSLError) as refused:
        _handshake(port, v.TLSv1, v.TLSv1_1)
    assert refused.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION", refused.value


# --- the systemd units ------------------------------------------------------------------------


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as section -> key -> values (a key may repeat); systemd's syntax: comments
    with # or ;, a backslash at the end of a line continues it."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: {line}"
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None and "=" in line, f"{path.name}:{number}: {line}"
        key, value = (part.strip() for part in line.split("=", 1))
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key), f"{path.name}:{number}: {key}"
        current.setdefault(key, []).append(value)
    return sections


def one(unit: dict, section: str, key: str) -> str:
    values = unit[section].get(key, [])
    assert len(values) == 1, (section, key, values)
    return values[0]


def test_the_service_runs_the_app_on_loopback_as_its_own_user_with_only_data_writable():
    unit = parse_unit(SYSTEMD / "segdash.service")
    assert one(unit, "Service", "User") == "segdash"
    assert one(unit, "Service", "WorkingDirectory") == INSTALL_DIR
    assert one(unit, "Service", "ExecStart") == (
        f"{INSTALL_DIR}/.venv/bin/python -m segdash serve --server.address 127.0.0.1 "
        "--server.port 8501 --server.headless true"
    )
    assert one(unit, "Service", "EnvironmentFile").startswith("/etc/segdash/")
    assert "TZ=Europe/Stockholm" in unit["Service"]["Environment"]  # times in Swedish time
    assert one(unit, "Service", "Restart") == "on-failure"
    assert one(unit, "Service", "ProtectSystem") == "strict"
    assert one(unit, "Service", "ReadWritePaths") == f"{INSTALL_DIR}/data"
    for key in ("NoNewPrivileges", "PrivateTmp", "ProtectHome"):
        assert one(unit, "Service", key) == "yes", key
    assert one(unit, "Install", "WantedBy") == "multi-user.target"
    # The proxy's upstream is this address and port.
    assert "server 127.0.0.1:8501;" in directive_text(NGINX_CONF.read_text(encoding="utf-8"))


def test_the_import_runs_nightly_as_a_oneshot():
    service = parse_unit(SYSTEMD / "segdash-import.service")
    timer = parse_unit(SYSTEMD / "segdash-import.timer")
    assert one(service, "Service", "Type") == "oneshot"
    assert one(service, "Service", "User") == "segdash"
    assert one(service, "Service", "ReadWritePaths") == f"{INSTALL_DIR}/data"
    command = one(service, "Service", "ExecStart")
    assert f"{INSTALL_DIR}/.venv/bin/python -m segdash import" in command
    assert "/srv/segdash/inkommande/*.xlsx" in command
    assert one(timer, "Timer", "OnCalendar") == "*-*-* 02:30:00"
    assert one(timer, "Timer", "Persistent") == "true"
    assert one(timer, "Install", "WantedBy") == "timers.target"


def test_the_glob_in_the_import_command_works_in_the_shell(tmp_path):
    """The command as systemd hands it to /bin/sh ($$ becomes $), on a folder with no file and
    with two: no file is no error, and every workbook is passed on."""
    command = one(parse_unit(SYSTEMD / "segdash-import.service"), "Service", "ExecStart")
    script = re.fullmatch(r"/bin/sh -c '(.*)'", command).group(1).replace("$$", "$")
    inbox = tmp_path / "inkommande"
    inbox.mkdir()
    script = script.replace("/srv/segdash/inkommande", str(inbox)).replace(
        f"exec {INSTALL_DIR}/.venv/bin/python", "exec printf '[%s]'"
    )
    empty = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True)
    assert (empty.returncode, empty.stdout) == (0, "")
    for name in ("a.xlsx", "b c.xlsx"):
        (inbox / name).write_bytes(b"")
    both = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True)
    assert both.stdout == (
        f"[-m][segdash][import][--who][schemalagd import][{inbox}/a.xlsx][{inbox}/b c.xlsx]"
    )


def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify` (where systemd is installed), on the units with the install
    folder pointed at one that has the venv's python, since verify checks that ExecStart is
    executable. Any warning (an unknown or misspelt key) fails."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # no systemd here: the parsing tests above still ran
    install = tmp_path / "segdash"
    (install / ".venv" / "bin").mkdir(parents=True)
    (install / ".venv" / "bin" / "python").symlink_to(sys.executable)
    names = ("segdash.service", "segdash-import.service", "segdash-import.timer")
    for name in names:
        text = (SYSTEMD / name).read_text(encoding="utf-8").replace(INSTALL_DIR, str(install))
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / n) for n in names)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
