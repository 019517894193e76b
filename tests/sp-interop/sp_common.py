"""What the Python SPs share: the command line, the IdP's metadata and a tiny HTTP server on
127.0.0.1 with `POST /acs` and `GET /login`. Standard library only; the SAML libraries come from
the venv `cargo xtask setup` makes (target/sp-interop/venv)."""

import argparse
import http.server
import json
import sys
import traceback
import urllib.parse
import urllib.request
import zlib
import base64
import re

# The bundled `avoma` app of the mock IdP (mock-idp/src/default.toml).
SP_ENTITY_ID = "https://app.avoma.com"
ACS_URL = "https://prod-api.avoma.com/saml2/acs"
IDP_ENTITY_ID = "jumpcloud-acmecorp"
REQUIRES = ["signed-assertion", "signed-response", "signed-both", "either"]

# Exceptions that are a bug in the library, not its refusal: answered 500.
CRASHES = (TypeError, AttributeError, KeyError, IndexError, NameError, RecursionError, ZeroDivisionError)


def args():
    p = argparse.ArgumentParser()
    p.add_argument("--idp", required=True, help="the mock IdP's base URL")
    p.add_argument("--requires", choices=REQUIRES, help="signatures required (default: the library's)")
    p.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    a = p.parse_args()
    a.idp = a.idp.rstrip("/")
    return a


def metadata(idp):
    with urllib.request.urlopen(f"{idp}/saml2/avoma/metadata", timeout=10) as r:
        return r.read().decode()


def request_id(url):
    """The ID of the AuthnRequest in a Redirect-binding URL."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    return re.search(r'\sID="([^"]+)"', xml).group(1)


class Refused(Exception):
    """The library refused the response (its errors in the message)."""


def serve(a, info, acs, login=None):
    """`acs(saml_response, request_id or None)` returns the NameID logged in or raises the
    library's refusal; `login()` returns (redirect URL, request ID). Prints `info` with the port
    as one JSON line, then serves until killed."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def send(self, status, text, headers=()):
            body = (text + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def cookie(self, name):
            m = re.search(rf"(?:^|;\s*){name}=([^;]*)", self.headers.get("Cookie") or "")
            return urllib.parse.unquote(m.group(1)) if m and m.group(1) else None

        def do_POST(self):
            if self.path != "/acs":
                return self.send(404, "not found")
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(min(length, 4 << 20)).decode())
            response = form.get("SAMLResponse", [None])[0]
            if not response:
                return self.send(400, "refused: no SAMLResponse")
            try:
                who = acs(response, self.cookie("sp_request_id"))
            except CRASHES:
                return self.send(500, "library crashed: " + traceback.format_exc())
            except Exception as e:  # the library's own refusals, whatever their class
                return self.send(403, f"refused: {type(e).__name__}: {e}")
            if not who:
                return self.send(403, "refused: no NameID")
            self.send(200, f"logged in as {who}", [("Set-Cookie", "sp_request_id=; Max-Age=0; Path=/")])

        def do_GET(self):
            if self.path != "/login" or login is None:
                return self.send(404, "not found")
            try:
                url, rid = login()
            except Exception:
                return self.send(500, "SP error: " + traceback.format_exc())
            self.send(302, "", [("Location", url), ("Set-Cookie", f"sp_request_id={urllib.parse.quote(rid)}; Path=/; HttpOnly")])

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print(json.dumps({**info, "port": server.server_address[1]}), flush=True)
    server.serve_forever()


def version(dist):
    from importlib.metadata import version as v

    return v(dist)


def fail(what, e):
    print(f"{what}: {e}", file=sys.stderr)
    sys.exit(1)
