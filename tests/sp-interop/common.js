// What the Node SPs share: the command line, the IdP's metadata, and a tiny HTTP server on
// 127.0.0.1 with `POST /acs` and `GET /login`. Node's standard library only; the SAML libraries
// are found through NODE_PATH (target/sp-interop/node-current/node_modules or
// node-vulnerable/node_modules, installed by `cargo xtask setup`).
"use strict";

const http = require("http");
const fs = require("fs");
const path = require("path");

// The bundled `avoma` app of the mock IdP (mock-idp/src/default.toml).
const SP_ENTITY_ID = "https://app.avoma.com";
const ACS_URL = "https://prod-api.avoma.com/saml2/acs";
const IDP_ENTITY_ID = "jumpcloud-acmecorp";
const REQUIRES = ["signed-assertion", "signed-response", "signed-both", "either"];

/// `--idp URL --requires SETTING [--port N]` (port 0: any free port; the first line printed
/// says which).
function args() {
  const a = { port: 0, requires: null, idp: null };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === "--idp") a.idp = v.replace(/\/$/, "");
    else if (k === "--requires") a.requires = v;
    else if (k === "--port") a.port = Number(v);
    else if (k === "--schema") a.schema = v;
    else usage(`unknown option ${k}`);
  }
  if (!a.idp) usage("--idp is required");
  if (a.requires !== null && !REQUIRES.includes(a.requires)) usage(`--requires ${a.requires}`);
  return a;
}

function usage(why) {
  process.stderr.write(`${why}\nusage: node SP.js --idp URL [--requires ${REQUIRES.join("|")}] [--port N]\n`);
  process.exit(2);
}

/// A package's version, read from its package.json (found like `require` finds the package).
function version(pkg) {
  for (const dir of (process.env.NODE_PATH || "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, pkg, "package.json");
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")).version;
  }
  return "?";
}

async function metadata(idp) {
  const r = await fetch(`${idp}/saml2/avoma/metadata`, { signal: AbortSignal.timeout(10000) });
  if (!r.ok) throw new Error(`metadata: HTTP ${r.status}`);
  return r.text();
}

/// The signing certificate and the Redirect-binding SSO URL of IdP metadata, for a library
/// that does not read metadata itself.
function fromMetadata(xml) {
  const cert = /<(?:\w+:)?X509Certificate>([^<]+)</.exec(xml);
  const sso = /<(?:\w+:)?SingleSignOnService[^>]*Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect"[^>]*Location="([^"]+)"/.exec(xml)
    || /<(?:\w+:)?SingleSignOnService[^>]*Location="([^"]+)"/.exec(xml);
  if (!cert || !sso) throw new Error("metadata without a certificate or an SSO URL");
  return { cert: cert[1].replace(/\s+/g, ""), sso: sso[1] };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > 4 << 20) reject(new Error("body over 4 MiB"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function cookie(req, name) {
  const m = new RegExp(`(?:^|;\\s*)${name}=([^;]*)`).exec(req.headers.cookie || "");
  return m ? decodeURIComponent(m[1]) : null;
}

/// An exception that is a bug rather than the library's refusal: a 500.
function isCrash(e) {
  return e instanceof TypeError || e instanceof ReferenceError || e instanceof RangeError;
}

/// Serves the SP. `sp.acs(samlResponse, requestId)` resolves to the NameID logged in or
/// throws the library's refusal; `sp.login()` (optional) resolves to { url, requestId }.
/// `info` is printed as the first line (JSON) with the port.
function serve(a, info, sp) {
  const server = http.createServer(async (req, res) => {
    const send = (status, text, headers = {}) => {
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
      res.end(text + "\n");
    };
    try {
      if (req.method === "POST" && req.url === "/acs") {
        const form = new URLSearchParams(await readBody(req));
        const response = form.get("SAMLResponse");
        if (!response) return send(400, "refused: no SAMLResponse");
        let who;
        try {
          who = await sp.acs(response, cookie(req, "sp_request_id"));
        } catch (e) {
          if (isCrash(e)) return send(500, `library crashed: ${e.stack || e}`);
          return send(403, `refused: ${e.message || e}`);
        }
        if (!who) return send(403, "refused: no NameID");
        return send(200, `logged in as ${who}`, { "Set-Cookie": "sp_request_id=; Max-Age=0; Path=/" });
      }
      if (req.method === "GET" && req.url === "/login" && sp.login) {
        const { url, requestId } = await sp.login();
        return send(302, "", {
          Location: url,
          "Set-Cookie": `sp_request_id=${encodeURIComponent(requestId)}; Path=/; HttpOnly`,
        });
      }
      return send(404, "not found");
    } catch (e) {
      return send(500, `SP error: ${e.stack || e}`);
    }
  });
  server.listen(a.port, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ ...info, port: server.address().port }) + "\n");
  });
}

/// The AuthnRequest ID of a Redirect-binding URL (DEFLATEd, base64).
function requestId(url) {
  const zlib = require("zlib");
  const b64 = new URL(url).searchParams.get("SAMLRequest");
  const xml = zlib.inflateRawSync(Buffer.from(b64, "base64")).toString("utf8");
  const m = /\sID="([^"]+)"/.exec(xml);
  if (!m) throw new Error("AuthnRequest without an ID");
  return m[1];
}

module.exports = { SP_ENTITY_ID, ACS_URL, IDP_ENTITY_ID, args, version, metadata, fromMetadata, serve, requestId };
