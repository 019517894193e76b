// samlify as the `avoma` SP: `ServiceProvider.parseLoginResponse(idp, "post", req)` on
// POST /acs, `createLoginRequest(idp, "redirect")` on GET /login, the IdP read from its metadata.
//
// samlify refuses to parse anything until a schema validator is set. `--schema xmllint` (the
// default) uses @authenio/samlify-node-xmllint (libxml2's xmllint compiled to JavaScript, from
// npm; the Java-based validator does not install here). `--schema none` sets a validator that
// accepts every document, as applications that "just make it work" do. The suite runs the
// current samlify both ways (target/sp-interop/node-current), and samlify 2.9.1
// (node-vulnerable: signature wrapping, CVE-2025-47949) without schema validation, chosen by
// NODE_PATH.
//
// Library defaults: wantMessageSigned false and a valid signature on the Response or on the
// Assertion accepted (= either); samlify has no setting that requires a signed Assertion on
// receipt (its wantAssertionsSigned only shapes the SP metadata), so signed-assertion and
// signed-both are not offered; RSA-SHA1 accepted; no clock drift; unsolicited responses allowed (a
// login started at GET /login passes its request ID as `inResponseTo`).
"use strict";

const common = require("./common");
const saml = require("samlify");

const SETTINGS = { either: false, "signed-response": true }; // → wantMessageSigned

async function main() {
  const a = common.args();
  const schema = a.schema || "xmllint";
  if (schema === "xmllint") {
    saml.setSchemaValidator(require("@authenio/samlify-node-xmllint"));
  } else if (schema === "none") {
    saml.setSchemaValidator({ validate: async () => "skipped" });
  } else {
    throw new Error(`--schema ${schema}: xmllint or none`);
  }
  const requires = a.requires || "either";
  if (!(requires in SETTINGS)) {
    process.stderr.write(`samlify cannot require ${requires}\n`);
    process.exit(3);
  }
  const idp = saml.IdentityProvider({ metadata: await common.metadata(a.idp) });
  const sp = saml.ServiceProvider({
    entityID: common.SP_ENTITY_ID,
    assertionConsumerService: [
      { Binding: saml.Constants.namespace.binding.post, Location: common.ACS_URL },
    ],
    wantMessageSigned: SETTINGS[requires],
  });
  const info = {
    library: `samlify ${common.version("samlify")} (${schema === "none" ? "no schema validation" : `samlify-node-xmllint ${common.version("@authenio/samlify-node-xmllint")}`})`,
    requires,
    defaults: "either (wantMessageSigned false); signed-assertion and signed-both not offered; SHA-1 accepted",
    allows_sha1: true,
    supports: Object.keys(SETTINGS),
    login: true,
  };
  common.serve(a, info, {
    async acs(samlResponse, requestId) {
      // SP-initiated: the request this browser's login sent must be the one answered.
      const options = requestId ? { inResponseTo: requestId } : {};
      const { extract } = await sp.parseLoginResponse(idp, "post", { body: { SAMLResponse: samlResponse } }, options);
      return extract && extract.nameID;
    },
    async login() {
      const { context, id } = sp.createLoginRequest(idp, "redirect");
      return { url: context, requestId: id };
    },
  });
}

main().catch((e) => {
  process.stderr.write(`samlify SP: ${e.stack || e}\n`);
  process.exit(1);
});
