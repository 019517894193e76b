#!/usr/bin/env python3
"""Synthetic fixtures for core/tests/decode_*.rs — NOT captured from a real browser or IdP.

Made from response.xml and authnrequest.xml in this directory (hand-written, JumpCloud-shaped, no
real keys or users) with Python's base64/zlib/urllib, following the HAR 1.2 shape and SAML-tracer's
export shape (src/SAMLTraceIO.js). Re-run with `python3 make_fixtures.py` in this directory.
"""
import base64, json, urllib.parse, zlib

resp = open("response.xml", "rb").read()
req = open("authnrequest.xml", "rb").read()

def deflate(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()

resp_b64 = base64.b64encode(resp).decode()
req_b64 = base64.b64encode(deflate(req)).decode()
sig_b64 = base64.b64encode(bytes(range(64))).decode()  # a fake signature: decode does not verify
sigalg = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
relay = "https://sp.example.com/app?tab=1&x=y z"

q = lambda v: urllib.parse.quote(v, safe="")
redirect_query = f"SAMLRequest={q(req_b64)}&RelayState={q(relay)}&SigAlg={q(sigalg)}&Signature={q(sig_b64)}"
redirect_url = "https://sso.jumpcloud.com/saml2/example?" + redirect_query
post_body = urllib.parse.urlencode({"SAMLResponse": resp_b64, "RelayState": relay})
# The IdP page: single quotes, attribute order varies, '+' written as an entity.
html_value = resp_b64.replace("+", "&#x2b;")
idp_page = f"""<!DOCTYPE html>
<html><head><title>Redirecting</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="https://sp.example.com/saml/acs">
<input value='{html_value}' type=hidden name="SAMLResponse" />
<input type="hidden" name="RelayState" value="https://sp.example.com/app?tab=1&amp;x=y z">
<noscript><input type="submit" value="Continue"></noscript>
</form></body></html>"""

def entry(method, url, query=None, post=None, content=None, encoding=None):
    e = {
        "startedDateTime": "2025-06-01T12:00:00.000Z",
        "time": 1,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [],
                    "queryString": query or [], "cookies": [], "headersSize": -1, "bodySize": -1},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [],
                     "cookies": [], "content": {"size": 0, "mimeType": "text/html"},
                     "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0},
    }
    if post is not None:
        e["request"]["postData"] = post
    if content is not None:
        e["response"]["content"]["text"] = content
        if encoding:
            e["response"]["content"]["encoding"] = encoding
    return e

comment = "SYNTHETIC fixture made by make_fixtures.py from response.xml/authnrequest.xml; not a real capture"
har = {"log": {"version": "1.2", "comment": comment, "creator": {"name": "make_fixtures.py", "version": "1"},
               "entries": [
    entry("GET", "https://sp.example.com/static/app.css"),
    entry("GET", redirect_url,
          query=[{"name": "SAMLRequest", "value": req_b64}, {"name": "RelayState", "value": relay}]),
    entry("POST", "https://sso.jumpcloud.com/saml2/example/login",
          post={"mimeType": "application/x-www-form-urlencoded", "text": "email=ada%40example.com&password=%5BFILTERED%5D"},
          content=base64.b64encode(idp_page.encode()).decode(), encoding="base64"),
    entry("POST", "https://sp.example.com/saml/acs",
          post={"mimeType": "application/x-www-form-urlencoded", "text": post_body,
                "params": [{"name": "SAMLResponse", "value": q(resp_b64)}, {"name": "RelayState", "value": q(relay)}]}),
]}}
json.dump(har, open("synthetic.har", "w"), indent=2)

redacted = {"log": {"version": "1.2", "comment": comment + " (SAML values redacted as a sanitiser would)",
                    "creator": {"name": "make_fixtures.py", "version": "1"}, "entries": [
    entry("GET", "https://sso.jumpcloud.com/saml2/example?SAMLRequest=%5BREDACTED%5D&RelayState=x"),
    entry("POST", "https://sp.example.com/saml/acs",
          post={"mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse=&RelayState=x",
                "params": [{"name": "SAMLResponse", "value": ""}]}),
]}}
json.dump(redacted, open("redacted.har", "w"), indent=2)

no_saml = {"log": {"version": "1.2", "comment": comment + " (no SAML at all)",
                   "creator": {"name": "make_fixtures.py", "version": "1"}, "entries": [
    entry("GET", "https://sp.example.com/", content="<html><body><form><input name=q></form></body></html>"),
    entry("POST", "https://sp.example.com/login",
          post={"mimeType": "application/x-www-form-urlencoded", "text": "user=ada&pass=x"}),
]}}
json.dump(no_saml, open("no_saml.har", "w"), indent=2)

# SAML-tracer export, profile 1 (no filtering) for the GET, profile-2-style hash for the POST
# value, so the importer must fall back to the decoded `saml` field for the response.
tracer = {
    "comment": comment,
    "requests": [
        {"requestId": "1", "method": "GET", "url": redirect_url, "requestHeaders": [],
         "get": [["SAMLRequest", req_b64], ["RelayState", relay], ["SigAlg", sigalg], ["Signature", sig_b64]],
         "protocol": "SAML-P", "saml": req.decode(), "responseStatus": 200},
        {"requestId": "2", "method": "POST", "url": "https://sp.example.com/saml/acs", "requestHeaders": [],
         "post": [["SAMLResponse", "{hash:0b8e7e0a3c1f9e2d4c5b6a79880716253443526170819a0b1c2d3e4f5a6b7c8d}"],
                  ["RelayState", relay]],
         "postData": {"SAMLResponse": ["{overwritten}"]},
         "protocol": "SAML-P", "saml": resp.decode(), "responseStatus": 302},
        {"requestId": "3", "method": "GET", "url": "https://sp.example.com/app", "requestHeaders": []},
    ],
    "timestamp": "2025-06-01T12:00:01.000Z",
}
json.dump(tracer, open("saml-tracer-export.json", "w"), indent=2)
