//! HTML pages: small, dependency-free, every interpolated value escaped.

use samlscope_core::xml::{escape_attr, escape_text};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}\
h1{font-size:1.4rem}.box{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}\
.err{border-color:#c33;background:#fff3f3}.ok{border-color:#3a3;background:#f3fff3}\
label{display:block;margin:.5rem 0}input[type=email],input[type=password],input[type=text],select{width:100%;padding:.4rem}\
.tiles{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.8rem}.tiles a{display:block;border:1px solid #ccc;border-radius:6px;padding:1rem 1.4rem;text-decoration:none}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top;font-size:.9rem}\
.pass{color:#275f27}.fail{color:#b00;font-weight:bold}.warn{color:#a60}.skipped{color:#888}code{font-size:.85rem}";

pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>{t}</title><style>{STYLE}</style></head><body><h1>{t}</h1>{body}</body></html>",
        t = escape_text(title)
    )
}

/// The page the IdP answers with after login: posts the response to the ACS by itself.
pub fn auto_post(acs_url: &str, saml_response_b64: &str, relay_state: Option<&str>) -> String {
    let relay = relay_state
        .map(|r| {
            format!(
                "<input type=\"hidden\" name=\"RelayState\" value=\"{}\">",
                escape_attr(r)
            )
        })
        .unwrap_or_default();
    format!(
        concat!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Signing in…</title></head>",
            "<body onload=\"document.forms[0].submit()\">",
            "<noscript><p>JavaScript is off: press Continue to finish signing in.</p></noscript>",
            "<form method=\"post\" action=\"{acs}\">",
            "<input type=\"hidden\" name=\"SAMLResponse\" value=\"{resp}\">{relay}",
            "<noscript><button type=\"submit\">Continue</button></noscript>",
            "</form></body></html>"
        ),
        acs = escape_attr(acs_url),
        resp = escape_attr(saml_response_b64),
        relay = relay,
    )
}

/// Hidden inputs carried from the SSO request to the login form.
pub struct Carry<'a> {
    pub saml_request: Option<&'a str>,
    /// A Redirect-binding request's whole query string, as it arrived: its signature covers
    /// the octets as encoded (SAML Bindings §3.4.4.1), so the login re-verifies exactly these.
    pub saml_query: Option<&'a str>,
    pub relay_state: Option<&'a str>,
    pub scenario: Option<&'a str>,
}

pub fn login(
    app_label: &str,
    app_name: &str,
    org: &str,
    carry: &Carry<'_>,
    error: Option<&str>,
    scenarios: &[(String, String)],
) -> String {
    let hidden = |name: &str, v: Option<&str>| {
        v.map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape_attr(v)
            )
        })
        .unwrap_or_default()
    };
    let err = error
        .map(|e| {
            format!(
                "<div class=\"box err\" id=\"error\">{}</div>",
                escape_text(e)
            )
        })
        .unwrap_or_default();
    let mut options =
        String::from("<option value=\"\">normal response (the app's Sign option)</option>");
    for (name, desc) in scenarios {
        let sel = if carry.scenario == Some(name.as_str()) {
            " selected"
        } else {
            ""
        };
        options.push_str(&format!(
            "<option value=\"{n}\"{sel}>{n} — {d}</option>",
            n = escape_attr(name),
            d = escape_text(desc)
        ));
    }
    let kind = if carry.saml_request.is_some() {
        "SP-initiated: the application sent an AuthnRequest."
    } else {
        "IdP-initiated: no AuthnRequest; the response will be unsolicited."
    };
    page(
        &format!("JumpCloud (mock) — sign in to {app_name}"),
        &format!(
            concat!(
                "<p>Organisation <b>{org}</b>. {kind}</p>{err}",
                "<form class=\"box\" method=\"post\" action=\"/saml2/{label}/login\">",
                "<label>Email <input type=\"email\" name=\"email\" autocomplete=\"username\" required></label>",
                "<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>",
                "{otp}",
                "<label>Scenario (mock only) <select name=\"scenario\">{options}</select></label>",
                "{h1}{h2}{h3}<p><button type=\"submit\">Sign in</button></p></form>"
            ),
            org = escape_text(org),
            kind = kind,
            err = err,
            label = escape_attr(app_label),
            options = options,
            h1 = hidden("SAMLRequest", carry.saml_request),
            h2 = hidden("RelayState", carry.relay_state),
            h3 = hidden("SAMLQuery", carry.saml_query),
            otp = OTP_FIELD,
        ),
    )
}

/// The authenticator-code field: asked with the password (optional for users without MFA).
const OTP_FIELD: &str = "<label>Authenticator code (if MFA is on for you) <input type=\"text\" name=\"otp\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" autocomplete=\"one-time-code\"></label>";

/// The User Portal's sign-in form.
pub fn portal_login(org: &str, error: Option<&str>) -> String {
    let err = error
        .map(|e| {
            format!(
                "<div class=\"box err\" id=\"error\">{}</div>",
                escape_text(e)
            )
        })
        .unwrap_or_default();
    page(
        "JumpCloud (mock) User Portal — sign in",
        &format!(
            concat!(
                "<p>Organisation <b>{org}</b>.</p>{err}",
                "<form class=\"box\" method=\"post\" action=\"/portal/login\">",
                "<label>Email <input type=\"email\" name=\"email\" autocomplete=\"username\" required></label>",
                "<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>",
                "{otp}<p><button type=\"submit\">Sign in</button></p></form>"
            ),
            org = escape_text(org),
            err = err,
            otp = OTP_FIELD,
        ),
    )
}

/// One app tile: its name and where a click goes.
pub struct Tile {
    pub name: String,
    pub href: String,
}

/// The User Portal of a signed-in user: the tiles of the apps they are assigned to, and Logout.
pub fn portal(org: &str, email: &str, tiles: &[Tile]) -> String {
    let apps = if tiles.is_empty() {
        // JumpCloud's words for a user with no app (reference/jumpcloud.md §1.4).
        "<p id=\"no-apps\">You have not been given access to any SSO applications by your administrator.</p>".to_owned()
    } else {
        let mut list = String::from("<ul class=\"tiles\" id=\"tiles\">");
        for t in tiles {
            list.push_str(&format!(
                "<li><a class=\"tile\" href=\"{}\">{}</a></li>",
                escape_attr(&t.href),
                escape_text(&t.name)
            ));
        }
        list.push_str("</ul>");
        list
    };
    page(
        "JumpCloud (mock) User Portal",
        &format!(
            concat!(
                "<p>Organisation <b>{org}</b>. Signed in as <b id=\"user\">{email}</b>.</p>{apps}",
                "<form method=\"post\" action=\"/portal/logout\"><button type=\"submit\">Logout</button></form>"
            ),
            org = escape_text(org),
            email = escape_text(email),
            apps = apps,
        ),
    )
}

/// JumpCloud's refusal for a user not bound to the app: no SAMLResponse at all.
pub fn not_assigned(email: &str, app_name: &str) -> String {
    page(
        "Access denied",
        &format!(
            "<div class=\"box err\" id=\"not-assigned\"><p>{} has not been given access to {} by your administrator.</p><p>Users are denied by default: an admin must bind one of the user's groups to the application (JumpCloud: the application's <b>User Groups</b> tab).</p></div>",
            escape_text(email),
            escape_text(app_name)
        ),
    )
}

pub fn error(title: &str, message: &str) -> String {
    page(
        title,
        &format!(
            "<div class=\"box err\" id=\"error\"><p>{}</p></div>",
            escape_text(message)
        ),
    )
}
