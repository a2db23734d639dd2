"""Sign-in with the municipality's identity provider, as far as it goes without one: a stand-in
provider on 127.0.0.1 publishes its OpenID configuration, and the button sends the browser to
its authorization endpoint with segdash's client id and callback (Authlib is installed; before,
the button showed a traceback)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .harness import (
    HOST,
    context_options,
    free_port,
    goto,
    main_area,
    prepare_context,
    streamlit_server,
    write_analysts,
)

pytestmark = pytest.mark.e2e


class _Provider(BaseHTTPRequestHandler):
    """The OpenID configuration, and a sign-in page at the authorization endpoint."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        base = f"http://{HOST}:{self.server.server_port}"
        if self.path.startswith("/.well-known/openid-configuration"):
            body = json.dumps(
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "jwks_uri": f"{base}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                }
            ).encode()
            content_type = "application/json"
        else:
            body = b"<html><body><h1>Kommunens inloggning</h1></body></html>"
            content_type = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def provider():
    server = ThreadingHTTPServer((HOST, 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()


def test_the_sign_in_button_starts_the_identity_providers_flow(
    browser, demo_path, provider, tmp_path
):
    import shutil

    db = tmp_path / "oidc.duckdb"
    shutil.copy(demo_path, db)
    port = free_port()
    secrets = (
        "[auth]\n"
        f'redirect_uri = "http://{HOST}:{port}/oauth2callback"\n'
        'cookie_secret = "en-lång-slumpad-hemlighet-för-testet"\n'
        'client_id = "segdash"\n'
        'client_secret = "hemligt"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "[segdash]\n"
        'analysts = ["anna@linkoping.se"]\n'
    )
    with streamlit_server(
        db, write_analysts(tmp_path / "analysts.json"), tmp_path, secrets_text=secrets, port=port
    ) as url:
        context = browser.new_context(**context_options(url))
        prepare_context(context)
        context.route(f"{provider}/**", lambda route: route.continue_())  # the stand-in is local
        page = context.new_page()
        try:
            goto(page, "/ladda-upp")  # the new server's first visit
            main_area(page).get_by_role("button", name="Logga in med kommunens konto").click()
            page.wait_for_url(f"{provider}/authorize**", timeout=30_000)
            query = parse_qs(urlsplit(page.url).query)
            assert query["client_id"] == ["segdash"]
            assert query["redirect_uri"] == [f"http://{HOST}:{port}/oauth2callback"]
            assert query["response_type"] == ["code"]
            expect(page.get_by_role("heading", name="Kommunens inloggning")).to_be_visible()
        finally:
            context.close()
