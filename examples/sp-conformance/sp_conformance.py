#!/usr/bin/env python3
"""Test a service provider against every scenario of the samlscope mock JumpCloud IdP.

For each scenario (valid responses, setup mistakes, signature wrapping and other attacks) the
script fetches the response the mock IdP makes for it, posts it to the SP's ACS as a browser
would (HTTP-POST binding, with RelayState and the SP's cookies), reads what the SP did and
reports one label per scenario:

    OK        the SP did what a correct SP with its settings does (accepted or refused)
    TAKEOVER  accepted an attack and logged in as the user the attacker chose (evil_name_id),
              or accepted a takeover scenario without --identity-regex to tell who
    TAMPER    accepted content the IdP never signed
    LENIENT   accepted a malformed or non-profile message, but read only signed content (a
              takeover scenario whose genuine user was logged in is LENIENT, not TAKEOVER)
    DOS       accepted a message built to exhaust the parser
    POLICY    accepted a setup mistake (expired, wrong audience, wrong issuer, ...)
    REFUSED   refused a login it must accept with its settings
    ERROR     answered 5xx: an SP must never crash, on a valid login or an attack

Whether a correct SP accepts a scenario depends on its settings: --sp-requires says which
signatures the SP requires (a Response signed over the Response alone is a valid login for an
SP that accepts either signature, not for one that requires a signed Assertion) and
--sp-allows-sha1 whether RSA-SHA1 is accepted. With --identity-regex the script reads which user
the SP logged in (from the ACS answer's redirect Location or its body) and names it.

With --sp-login the flow is SP-initiated, as a user would start it: the SP's login URL is
requested first, its AuthnRequest (Redirect or POST binding) is read for the ID, and the
response answers that request (InResponseTo) and carries the SP's RelayState. Without it,
responses are unsolicited (IdP-initiated).

Standard library only, so it runs in any CI job that has python3:

    samlscope serve &
    python3 sp_conformance.py --idp http://127.0.0.1:8080 --app myapp \\
        --user alice@acmecorp.com --sp-login https://sp.test/saml/login \\
        --accepted-location '^https://sp.test/dashboard' --sp-requires signed-assertion \\
        --identity-regex 'Welcome, (\\S+)'

Exit codes: 0 no label of --fail-on occurred (default: takeover, tamper, refused, error), 1 at
least one did, 2 usage or connection error (or an IdP too old to say what each scenario means).
"""

import argparse
import base64
import html.parser
import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zlib

PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
TIMEOUT = 30
REQUIRES = ["signed-assertion", "signed-response", "signed-both", "either"]
LABELS = ["takeover", "tamper", "lenient", "dos", "policy", "refused", "error"]
# What the labelling needs of each scenario; an older IdP does not serve it.
NEEDED = ["impact", "accepted_when"]


class SetupError(Exception):
    """The SP's login did not start a SAML login this script can follow (exit 2)."""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """The SP's answers are judged as they are: a redirect is not followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """One cookie jar per scenario, as a fresh browser session would have."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, url, form=None):
        data = None
        headers = {"User-Agent": "samlscope-sp-conformance"}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=TIMEOUT) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace")


class FormFields(html.parser.HTMLParser):
    """The named <input> values of a page, as a browser submits them: attributes in any order
    and quoting, character references decoded."""

    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            self.values.setdefault(a["name"], a.get("value") or "")


def authn_request(browser, login_url):
    """Starts the SP's login; returns (request ID, RelayState or None)."""
    status, headers, body = browser.request(login_url)
    location = headers.get("Location")
    if 300 <= status < 400 and location:
        # HTTP-Redirect binding: base64 of raw DEFLATE in the query string.
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        if "SAMLRequest" not in query:
            raise SetupError(f"the SP's login redirected without a SAMLRequest: {location}")
        xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
        relay = query.get("RelayState", [None])[0]
    else:
        # HTTP-POST binding: an auto-submitting form with the base64 request.
        fields = FormFields()
        fields.feed(body)
        if status != 200 or not fields.values.get("SAMLRequest"):
            raise SetupError(f"the SP's login gave HTTP {status} without a SAMLRequest")
        xml = base64.b64decode(fields.values["SAMLRequest"])
        relay = fields.values.get("RelayState")
    root = ET.fromstring(xml)
    if root.tag != f"{{{PROTOCOL}}}AuthnRequest" or not root.get("ID"):
        raise SetupError(f"the SP's login did not send an AuthnRequest with an ID: {root.tag}")
    return root.get("ID"), relay


def scenario_response(idp, app, user, name, request_id, relay):
    query = {"user": user, "format": "json"}
    if request_id:
        query["in_response_to"] = request_id
    if relay is not None:
        query["relay_state"] = relay
    url = f"{idp}/api/apps/{urllib.parse.quote(app)}/responses/{urllib.parse.quote(name)}"
    with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode(query)}", timeout=TIMEOUT) as r:
        return json.load(r)


def accepted_by(answer, rule):
    """What the SP did: `accepted`, `refused`, or `error` (5xx: an SP must never crash).

    Most SPs redirect after the ACS whatever happened (to the app, or back to a login page with
    an error), and some answer 200 with an error page, so the status alone may not tell. With
    --accepted-location a redirect counts only if its Location matches; with --accepted-body a
    2xx counts only if its body matches."""
    status, headers, body = answer
    if status >= 500:
        return "error"
    if status not in rule.statuses:
        return "refused"
    if 300 <= status < 400 and rule.location:
        return "accepted" if rule.location.search(headers.get("Location") or "") else "refused"
    if 200 <= status < 300 and rule.body:
        return "accepted" if rule.body.search(body) else "refused"
    return "accepted"


class Rule:
    """How the SP's answer to the ACS POST is read (see `accepted_by`)."""

    def __init__(self, statuses, location, body):
        self.statuses = {int(s) for s in statuses.split(",") if s.strip()}
        self.location = re.compile(location) if location else None
        self.body = re.compile(body) if body else None


def identity_of(answer, regex):
    """The user the SP says it logged in: group 1 of --identity-regex (or the whole match) in
    the redirect's Location, else in the body; None when it does not match or is not given."""
    if regex is None:
        return None
    _, headers, body = answer
    for text in (headers.get("Location") or "", body):
        m = regex.search(text)
        if m:
            return m.group(1) if regex.groups else m.group(0)
    return None


def label_of(scenario, did, should_accept, identity, made):
    """One label for what the SP did with a scenario (see the module's docstring)."""
    if did == "error":
        return "ERROR"
    if did == "refused":
        return "REFUSED" if should_accept else "OK"
    if should_accept:
        return "OK"
    evil = made.get("evil_name_id")
    if evil and identity == evil:
        return "TAKEOVER"
    impact = scenario["impact"]
    if impact == "takeover" and identity is not None and identity == made.get("name_id"):
        # Accepted, but read the signed identity: no one else was logged in.
        return "LENIENT"
    return impact.upper()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--idp", required=True, help="the mock IdP's base URL")
    p.add_argument("--app", required=True, help="the application label in the mock IdP")
    p.add_argument("--user", required=True, help="an assigned user's email")
    p.add_argument("--sp-login", help="the SP's login URL (SP-initiated flow)")
    p.add_argument("--acs", help="post to this ACS URL instead of the app's")
    p.add_argument(
        "--accepted-status",
        default="200,201,204,301,302,303,307,308",
        help="HTTP statuses that mean the SP logged the user in (comma-separated)",
    )
    p.add_argument(
        "--accepted-location",
        help="a redirect means logged in only if its Location matches this regex (e.g. /dashboard)",
    )
    p.add_argument(
        "--accepted-body",
        help="a 2xx means logged in only if its body matches this regex",
    )
    p.add_argument(
        "--sp-requires",
        choices=REQUIRES,
        default="either",
        help="the signatures the SP requires: on the Assertion, on the Response, on both, or "
        "either one (default)",
    )
    p.add_argument(
        "--sp-allows-sha1", action="store_true", help="the SP accepts RSA-SHA1 signatures"
    )
    p.add_argument(
        "--identity-regex",
        help="reads who the SP logged in from its redirect Location or its answer's body: "
        "group 1, or the whole match (e.g. 'logged in as (\\S+)')",
    )
    p.add_argument(
        "--fail-on",
        default="takeover,tamper,refused,error",
        help="exit 1 when one of these labels occurs (comma list of " + ",".join(LABELS) + ")",
    )
    p.add_argument("--scenario", action="append", help="only these scenarios (repeatable)")
    p.add_argument("--skip", action="append", default=[], help="skip these (repeatable)")
    p.add_argument("--json", action="store_true", help="one JSON object per scenario")
    a = p.parse_args()
    idp = a.idp.rstrip("/")
    try:
        rule = Rule(a.accepted_status, a.accepted_location, a.accepted_body)
    except (ValueError, re.error) as e:
        print(f"sp_conformance: bad --accepted-* option: {e}", file=sys.stderr)
        return 2
    try:
        identity_regex = re.compile(a.identity_regex) if a.identity_regex else None
    except re.error as e:
        print(f"sp_conformance: bad --identity-regex: {e}", file=sys.stderr)
        return 2
    fail_on = {f.strip().lower() for f in a.fail_on.split(",") if f.strip()}
    if fail_on - set(LABELS):
        print(
            f"sp_conformance: bad --fail-on: {sorted(fail_on - set(LABELS))} "
            f"(labels: {','.join(LABELS)})",
            file=sys.stderr,
        )
        return 2

    try:
        with urllib.request.urlopen(f"{idp}/api/scenarios", timeout=TIMEOUT) as r:
            scenarios = json.load(r)
    except (urllib.error.URLError, OSError, ValueError) as e:
        print(f"sp_conformance: cannot list the scenarios at {idp}: {e}", file=sys.stderr)
        return 2
    wanted = [
        s
        for s in scenarios
        if (not a.scenario or s["name"] in a.scenario) and s["name"] not in a.skip
    ]
    unknown = set(a.scenario or []) - {s["name"] for s in scenarios}
    if unknown or not wanted:
        print(f"sp_conformance: no such scenario: {sorted(unknown)}", file=sys.stderr)
        return 2
    lacking = sorted({k for s in wanted for k in NEEDED if k not in s})
    if lacking:
        print(
            f"sp_conformance: the IdP's scenarios do not say {' and '.join(lacking)}: without "
            "them a verdict cannot be judged against the SP's settings (update samlscope)",
            file=sys.stderr,
        )
        return 2

    counts = {}
    for s in wanted:
        browser = Browser()
        try:
            request_id, relay = (None, None)
            if a.sp_login:
                request_id, relay = authn_request(browser, a.sp_login)
            made = scenario_response(idp, a.app, a.user, s["name"], request_id, relay)
            form = {"SAMLResponse": made["saml_response"]}
            if made.get("relay_state") is not None:
                form["RelayState"] = made["relay_state"]
            answer = browser.request(a.acs or made["acs_url"], form)
        except (urllib.error.URLError, OSError, ValueError, SetupError, ET.ParseError, zlib.error) as e:
            print(f"sp_conformance: {s['name']}: {e}", file=sys.stderr)
            return 2
        status = answer[0]
        did = accepted_by(answer, rule)
        should_accept = a.sp_requires in s["accepted_when"] and (
            not s.get("needs_sha1") or a.sp_allows_sha1
        )
        identity = identity_of(answer, identity_regex) if did == "accepted" else None
        label = label_of(s, did, should_accept, identity, made)
        counts[label] = counts.get(label, 0) + 1
        if a.json:
            row = {
                **s,
                "label": label,
                "http_status": status,
                "identity": identity,
                "sp": did,
                "as_expected": label == "OK",
                "name_id": made.get("name_id"),
                "evil_name_id": made.get("evil_name_id"),
            }
            if request_id:
                row["in_response_to"] = request_id
            print(json.dumps(row), flush=True)
            continue
        who = f"  as {identity}" if identity else ""
        check = f" (samlscope check: {s['expected_check']})" if s.get("expected_check") else ""
        print(
            f"{label:<9}{s['name']:<26}HTTP {status}  {s['category']}/{s['impact']}{who}{check}",
            flush=True,
        )
    ok = counts.get("OK", 0)
    rest = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "OK")
    summary = f"{len(wanted)} scenarios: {ok} as expected, {len(wanted) - ok} not"
    if rest:
        summary += f" ({rest})"
    print(summary, file=sys.stderr if a.json else sys.stdout)
    return 1 if any(label.lower() in fail_on for label in counts) else 0


if __name__ == "__main__":
    sys.exit(main())
