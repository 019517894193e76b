"""python3-saml (OneLogin) as the `avoma` SP: `OneLogin_Saml2_Auth.process_response` on
POST /acs, `OneLogin_Saml2_Auth.login` on GET /login; the IdP read with
`OneLogin_Saml2_IdPMetadataParser`; strict mode, as its documentation demands in production.

The SP listens on loopback, but the request data it hands the library is the ACS URL's
(https://prod-api.avoma.com/saml2/acs), which python3-saml compares with Destination.

Library defaults: wantAssertionsSigned and wantMessagesSigned false, one valid signature on the
Response or the Assertion required (= either); rejectDeprecatedAlgorithm false (RSA-SHA1
accepted); unsolicited responses accepted (a login started at GET /login passes its request
ID to process_response).
"""

import sp_common as c
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

WANT = {  # (wantAssertionsSigned, wantMessagesSigned)
    "signed-assertion": (True, False),
    "signed-response": (False, True),
    "signed-both": (True, True),
    "either": (False, False),
}


def main():
    a = c.args()
    idp = OneLogin_Saml2_IdPMetadataParser.parse(c.metadata(a.idp))
    settings = {
        "strict": True,
        "sp": {
            "entityId": c.SP_ENTITY_ID,
            "assertionConsumerService": {
                "url": c.ACS_URL,
                "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
            },
        },
        "idp": idp["idp"],
        "security": {},
    }
    if a.requires:
        assertions, messages = WANT[a.requires]
        settings["security"] = {"wantAssertionsSigned": assertions, "wantMessagesSigned": messages}

    def auth(post=None):
        # What the library reads of the HTTP request: the public ACS URL, not the loopback one.
        request = {
            "https": "on",
            "http_host": "prod-api.avoma.com",
            "server_port": "443",
            "script_name": "/saml2/acs",
            "get_data": {},
            "post_data": post or {},
        }
        return OneLogin_Saml2_Auth(request, settings)

    def acs(saml_response, request_id):
        a = auth({"SAMLResponse": saml_response})
        a.process_response(request_id=request_id)
        if a.get_errors() or not a.is_authenticated():
            raise c.Refused(f"{a.get_errors()}: {a.get_last_error_reason()}")
        return a.get_nameid()

    def login():
        a = auth()
        url = a.login()
        return url, a.get_last_request_id()

    info = {
        "library": f"python3-saml {c.version('python3-saml')} (xmlsec {c.version('xmlsec')}, lxml {c.version('lxml')})",
        "requires": a.requires or "either",
        "defaults": "either (wantAssertionsSigned, wantMessagesSigned false), SHA-1 accepted",
        "allows_sha1": True,
        "supports": list(WANT),
        "login": True,
    }
    c.serve(a, info, acs, login)


if __name__ == "__main__":
    main()
