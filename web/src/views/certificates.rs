//! Certificate cards: who the certificate names, its key and fingerprints, and its lifetime
//! against now.

use samlscope_core::report::CertificateCard;
use samlscope_core::trust::CertificateInfo;
use yew::prelude::*;

use super::{date, fixed};

pub(super) fn certificate_card(c: &CertificateCard) -> Html {
    let role = match c.role {
        "trusted" => "Trusted certificate (configured)",
        "keyinfo" => "Certificate in the message (KeyInfo)",
        other => other,
    };
    let matches = c.matches_trusted.map(|m| {
        if m {
            html! { <span class="tag good">{ "matches the trusted certificate" }</span> }
        } else {
            html! { <span class="tag bad">{ "does NOT match the trusted certificate" }</span> }
        }
    });
    html! {
        <section class="card certificate">
            <h2>{ role }</h2>
            { matches.unwrap_or_default() }
            { certificate_facts(&c.info) }
        </section>
    }
}

fn certificate_facts(info: &CertificateInfo) -> Html {
    html! {
        <dl>
            <dt>{ "Subject" }</dt><dd>{ info.subject.clone() }</dd>
            <dt>{ "Issuer" }</dt><dd>{ info.issuer.clone() }
                if info.self_signed { <span class="muted">{ " (self-signed)" }</span> }</dd>
            <dt>{ "Valid" }</dt><dd>{ validity_bar(info.not_before, info.not_after) }</dd>
            <dt>{ "Key" }</dt><dd>{ format!("{} {} bits", info.key_algorithm, info.key_bits) }</dd>
            <dt>{ "SHA-256" }</dt><dd><code class="fp">{ info.sha256_fingerprint.clone() }</code></dd>
            <dt>{ "SHA-1" }</dt><dd><code class="fp">{ info.sha1_fingerprint.clone() }</code></dd>
            <dt>{ "Serial" }</dt><dd><code>{ info.serial.clone() }</code></dd>
        </dl>
    }
}

/// Certificate lifetime as a bar with "now" marked; Unix seconds.
fn validity_bar(not_before: i64, not_after: i64) -> Html {
    let now = crate::clock::now().unix_seconds();
    let span = (not_after - not_before).max(1) as f64;
    let pos = (((now - not_before) as f64 / span) * 100.0).clamp(0.0, 100.0);
    let state = if now < not_before {
        "not yet valid"
    } else if now >= not_after {
        "expired"
    } else if not_after - now < 30 * 86_400 {
        "expires within 30 days"
    } else {
        "valid now"
    };
    let class = match state {
        "valid now" => "good",
        "expires within 30 days" => "warn",
        _ => "bad",
    };
    html! {
        <div class="validity">
            <div class="bar"><span class="now" style={format!("left:{}%", fixed(pos, 1))}></span></div>
            <div class="small">{ format!("{} → {}", date(not_before * 1000), date(not_after * 1000)) }
                { " " }<span class={classes!("tag", class)}>{ state }</span></div>
        </div>
    }
}

pub(super) fn certificate_cards(title: &'static str, list: &[CertificateInfo]) -> Html {
    list.iter()
        .map(|c| html! { <section class="card certificate"><h2>{ title }</h2>{ certificate_facts(c) }</section> })
        .collect()
}
