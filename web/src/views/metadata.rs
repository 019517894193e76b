//! Metadata views: an IdP's (endpoints, signing certificates, lints) and an SP's (what to enter
//! in the IdP).

use samlscope_core::metadata::{MetadataInfo, SpMetadataInfo};
use samlscope_core::report::{Check, Status};
use samlscope_core::saml::time::Instant;
use yew::prelude::*;

use super::certificates::certificate_cards;
use super::xml_panel::xml_panel;
use super::{Actions, check_row};

pub(super) fn metadata(
    xml: &str,
    info: &Result<Box<MetadataInfo>, String>,
    actions: &Actions,
    _now: Instant,
) -> Html {
    let body = match info {
        Err(e) => html! {
            <section class="banner invalid" data-testid="verdict" role="status">
                <strong>{ "Metadata not usable: " }</strong>{ e.clone() }
            </section>
        },
        Ok(m) => {
            let failed = m.lints.iter().filter(|l| l.status == Status::Fail).count();
            let class = if failed > 0 { "invalid" } else { "valid" };
            let use_trust = {
                let cb = actions.use_as_trust.clone();
                let xml = xml.to_owned();
                Callback::from(move |_| cb.emit(xml.clone()))
            };
            html! {
                <>
                    <section class={classes!("banner", class)} data-testid="verdict" role="status">
                        <span class="word">{ if failed > 0 { "metadata with problems" } else { "metadata" } }</span>
                        <span class="kind">{ "IdP metadata" }</span>
                        <span class="issuer"><code data-testid="entity-id">{ m.entity_id.clone() }</code></span>
                        <p class="detail">
                            <button type="button" onclick={use_trust}>{ "Use as trust for checking responses" }</button>
                        </p>
                    </section>
                    <div class="columns">
                        <div class="col">
                            <section class="card">
                                <h2>{ "Endpoints" }</h2>
                                <table>
                                    <thead><tr><th>{ "Service" }</th><th>{ "Binding" }</th><th>{ "Location" }</th></tr></thead>
                                    <tbody>
                                        { for m.sso_endpoints.iter().map(|e| html! { <tr><td>{ "SSO" }</td><td>{ e.binding.as_str() }</td><td><code>{ e.location.clone() }</code></td></tr> }) }
                                        { for m.slo_endpoints.iter().map(|e| html! { <tr><td>{ "SLO" }</td><td>{ e.binding.as_str() }</td><td><code>{ e.location.clone() }</code></td></tr> }) }
                                    </tbody>
                                </table>
                                <h3>{ "NameID formats" }</h3>
                                <ul>{ for m.name_id_formats.iter().map(|f| html! { <li><code>{ f.clone() }</code></li> }) }</ul>
                                if let Some(w) = m.want_authn_requests_signed {
                                    <p>{ format!("WantAuthnRequestsSigned: {w}") }</p>
                                }
                                if let Some(v) = &m.valid_until {
                                    <p>{ format!("validUntil: {v}") }</p>
                                }
                            </section>
                            { certificate_cards("Signing certificate", &m.signing_certificates) }
                        </div>
                        <div class="col">{ lints(&m.lints, actions) }</div>
                    </div>
                </>
            }
        }
    };
    html! { <>{ body }{ xml_panel(xml, &[], actions, "Metadata XML") }</> }
}

/// An SP's metadata: what to enter in the IdP (the JumpCloud SSO-tab fields), then its facts.
/// Rows are plain text lines: the page's size budget favours few elements over a table.
pub(super) fn sp_metadata(xml: &str, m: &SpMetadataInfo, actions: &Actions) -> Html {
    let failed = m.lints.iter().any(|l| l.status == Status::Fail);
    let use_settings = {
        let cb = actions.use_sp_settings.clone();
        let id = m.entity_id.clone();
        let acs = m.default_acs().map(|e| e.location.clone());
        let metadata = xml.to_owned();
        Callback::from(move |_| cb.emit((id.clone(), acs.clone(), metadata.clone())))
    };
    let acs: Vec<String> = m
        .acs_endpoints
        .iter()
        .map(|e| {
            let default = if e.is_default { ", default" } else { "" };
            match e.index {
                Some(i) => format!("{} {} (index {i}{default})", e.binding.as_str(), e.location),
                None => format!("{} {}{default}", e.binding.as_str(), e.location),
            }
        })
        .collect();
    let flag = |v: Option<bool>| v.map_or("not said", |b| if b { "yes" } else { "no" });
    let facts = format!(
        "Signs its AuthnRequests: {} · Wants signed assertions: {} · NameID formats: {}",
        flag(m.authn_requests_signed),
        flag(m.want_assertions_signed),
        if m.name_id_formats.is_empty() {
            "none listed".to_owned()
        } else {
            m.name_id_formats.join(", ")
        }
    );
    html! {
        <>
            <section class={classes!("banner", if failed { "invalid" } else { "valid" })} data-testid="verdict" role="status">
                <span class="word">{ if failed { "SP metadata with problems" } else { "SP metadata" } }</span>
                <span class="issuer"><code data-testid="entity-id">{ m.entity_id.clone() }</code></span>
                <p class="detail"><button type="button" data-testid="use-sp-settings" onclick={use_settings}>{ "Use as SP settings for checking responses" }</button></p>
            </section>
            <div class="columns">
                <div class="col">
                    <section class="card" data-testid="idp-settings">
                        <h2>{ "Enter in JumpCloud (the application's SSO tab)" }</h2>
                        <dl>{ for m.idp_settings.iter().map(|s| html! {
                            <><dt>{ s.field }</dt><dd><code>{ s.values.join("\n") }</code><div class="muted small">{ s.why.clone() }</div></dd></>
                        }) }</dl>
                    </section>
                    <section class="card">
                        <h2>{ "Assertion consumer services" }</h2>
                        <ul>{ for acs.into_iter().map(|a| html! { <li><code>{ a }</code></li> }) }</ul>
                        <p>{ facts }</p>
                    </section>
                    { certificate_cards("SP signing certificate", &m.signing_certificates) }
                    { certificate_cards("SP encryption certificate", &m.encryption_certificates) }
                </div>
                <div class="col">{ lints(&m.lints, actions) }</div>
            </div>
            { xml_panel(xml, &[], actions, "SP metadata XML") }
        </>
    }
}

pub(super) fn lints(list: &[Check], actions: &Actions) -> Html {
    html! {
        <section class="checks">
            <h2>{ format!("Lints ({})", list.len()) }</h2>
            <ul class="check-list">{ for list.iter().map(|c| check_row(c, actions)) }</ul>
        </section>
    }
}
