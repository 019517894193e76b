//! An AuthnRequest: what the SP asks for, its lints and what its signature covers.

use samlscope_core::metadata::AuthnRequestInfo;
use yew::prelude::*;

use super::metadata::lints;
use super::xml_panel::xml_panel;
use super::{Actions, region};
use crate::xml_view::Region;

pub(super) fn request(
    xml: &str,
    info: &Result<Box<AuthnRequestInfo>, String>,
    relay_state: Option<&str>,
    redirect_signed: bool,
    actions: &Actions,
) -> Html {
    let body = match info {
        Err(e) => html! {
            <section class="banner invalid" data-testid="verdict" role="status">
                <strong>{ "AuthnRequest not usable: " }</strong>{ e.clone() }
            </section>
        },
        Ok(r) => {
            let use_id = {
                let cb = actions.use_request_id.clone();
                let id = r.id.clone();
                Callback::from(move |_| cb.emit(id.clone()))
            };
            let row = |label: &'static str, v: Option<&str>| match v {
                Some(v) => {
                    html! { <><dt>{ label }</dt><dd><code>{ v.to_owned() }</code></dd></> }
                }
                None => html! { <><dt>{ label }</dt><dd class="muted">{ "not given" }</dd></> },
            };
            html! {
                <>
                    <section class={classes!("banner", if r.has_failures() { "invalid" } else { "valid" })} data-testid="verdict" role="status">
                        <span class="word">{ "AuthnRequest" }</span>
                        <span class="kind">{ "from the SP" }</span>
                        <p class="detail">
                            { "Its ID is the InResponseTo the response must carry. " }
                            <button type="button" onclick={use_id}>{ "Use as Request ID" }</button>
                        </p>
                    </section>
                    <section class="card">
                        <dl>
                            { row("ID", Some(&r.id)) }
                            { row("Issuer (SP Entity ID)", r.issuer.as_deref()) }
                            { row("ACS URL", r.acs_url.as_deref()) }
                            { row("Destination", r.destination.as_deref()) }
                            { row("Protocol binding", r.protocol_binding.as_deref()) }
                            { row("NameIDPolicy format", r.name_id_policy_format.as_deref()) }
                            { row("AllowCreate", r.allow_create.as_deref()) }
                            { row("IssueInstant", r.issue_instant.as_deref()) }
                            { row("RelayState", relay_state) }
                            <dt>{ "ForceAuthn / IsPassive" }</dt><dd>{ format!("{} / {}", r.force_authn, r.is_passive) }</dd>
                            <dt>{ "Signed" }</dt><dd>{ if r.signed { "yes (XML signature)" } else if redirect_signed { "yes (Redirect binding query signature)" } else { "no" } }</dd>
                        </dl>
                    </section>
                    { lints(&r.lints, actions) }
                </>
            }
        }
    };
    // A verified request signature (query string or XML) is shaded like a response's.
    let covered: Vec<Region> = match info {
        Ok(r) => r.signed_region.iter().map(region).collect(),
        Err(_) => Vec::new(),
    };
    html! { <>{ body }{ xml_panel(xml, &covered, actions, "AuthnRequest XML") }</> }
}
