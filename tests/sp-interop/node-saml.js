// @node-saml/node-saml as the `avoma` SP: `validatePostResponseAsync` on POST /acs,
// `getAuthorizeUrlAsync` on GET /login. The same file runs the current stack
// (target/sp-interop/node-current) and the pinned vulnerable one (node-vulnerable: node-saml
// 5.0.0 on xml-crypto 6.0.0, CVE-2025-29774/29775), chosen by NODE_PATH.
//
// Library defaults: wantAssertionsSigned and wantAuthnResponseSigned both true (= signed-both);
// RSA-SHA1 accepted (xml-crypto's default algorithm list); validateInResponseTo "never";
// acceptedClockSkewMs 0.
"use strict";

const common = require("./common");
const { SAML } = require("@node-saml/node-saml");

const WANT = {
  // [wantAssertionsSigned, wantAuthnResponseSigned]
  "signed-assertion": [true, false],
  "signed-response": [false, true],
  "signed-both": [true, true],
  either: [false, false],
};

async function main() {
  const a = common.args();
  const { cert, sso } = common.fromMetadata(await common.metadata(a.idp));
  const options = {
    callbackUrl: common.ACS_URL,
    entryPoint: sso,
    issuer: common.SP_ENTITY_ID,
    audience: common.SP_ENTITY_ID,
    idpIssuer: common.IDP_ENTITY_ID,
    idpCert: cert,
  };
  if (a.requires) [options.wantAssertionsSigned, options.wantAuthnResponseSigned] = WANT[a.requires];
  const saml = new SAML(options);
  const info = {
    library: `@node-saml/node-saml ${common.version("@node-saml/node-saml")} (xml-crypto ${common.version("xml-crypto")})`,
    requires: a.requires || "signed-both",
    defaults: "signed-both (wantAssertionsSigned, wantAuthnResponseSigned), SHA-1 accepted",
    allows_sha1: true,
    supports: Object.keys(WANT),
    login: true,
  };
  common.serve(a, info, {
    async acs(samlResponse) {
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
      return profile && profile.nameID;
    },
    async login() {
      const url = await saml.getAuthorizeUrlAsync("", undefined, {});
      return { url, requestId: common.requestId(url) };
    },
  });
}

main().catch((e) => {
  process.stderr.write(`node-saml SP: ${e.stack || e}\n`);
  process.exit(1);
});
