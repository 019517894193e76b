"""pysaml2 as the `avoma` SP, with Debian's xmlsec1 binary: `Saml2Client.
parse_authn_request_response` on POST /acs, `prepare_for_authenticate` on GET /login; the IdP
read from its metadata (inline).

Library defaults: want_response_signed true, want_assertions_signed false (= signed-response);
RSA-SHA1 accepted; allow_unsolicited false. The suite posts IdP-initiated responses, so
allow_unsolicited is turned on (the one setting changed from the defaults); a login started at
GET /login passes its request ID as the outstanding query.
"""

import sp_common as c
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig

WANT = {  # (want_assertions_signed, want_response_signed, want_assertions_or_response_signed)
    "signed-assertion": (True, False, False),
    "signed-response": (False, True, False),
    "signed-both": (True, True, False),
    "either": (False, False, True),
}


def main():
    a = c.args()
    sp = {
        "endpoints": {"assertion_consumer_service": [(c.ACS_URL, BINDING_HTTP_POST)]},
        "allow_unsolicited": True,
    }
    if a.requires:
        assertions, response, either = WANT[a.requires]
        sp.update(
            want_assertions_signed=assertions,
            want_response_signed=response,
            want_assertions_or_response_signed=either,
        )
    conf = SPConfig()
    conf.load(
        {
            "entityid": c.SP_ENTITY_ID,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {"inline": [c.metadata(a.idp)]},
            "service": {"sp": sp},
            "allow_unknown_attributes": True,
        }
    )
    client = Saml2Client(config=conf)

    def acs(saml_response, request_id):
        outstanding = {request_id: "/"} if request_id else None
        r = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
        if r is None:
            raise c.Refused("parse_authn_request_response returned nothing")
        return r.name_id.text if r.name_id is not None else None

    def login():
        rid, info = client.prepare_for_authenticate(entityid=c.IDP_ENTITY_ID, binding=BINDING_HTTP_REDIRECT)
        url = dict(info["headers"])["Location"]
        return url, rid

    info = {
        "library": f"pysaml2 {c.version('pysaml2')} (xmlsec1 binary, Debian)",
        "requires": a.requires or "signed-response",
        "defaults": "signed-response (want_response_signed), SHA-1 accepted; allow_unsolicited turned on",
        "allows_sha1": True,
        "supports": list(WANT),
        "login": True,
    }
    c.serve(a, info, acs, login)


if __name__ == "__main__":
    main()
