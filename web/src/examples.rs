//! "Load example": the mock IdP's scenarios (valid responses, policy failures, attacks), fetched
//! from the server that serves the page. These requests carry only a scenario name and the
//! app's own demo user — never anything the admin pasted or typed.

use samlscope_api::{AppInfo, Category, Impact, Scenario, ScenarioResponse};
use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;

/// What the menu offers: one app of the mock IdP and its scenarios.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    pub app: AppInfo,
    pub scenarios: Vec<Scenario>,
}

/// A loaded example: what goes into the page's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub saml_response: String,
    pub metadata: String,
    pub sp_entity_id: String,
    pub acs_url: String,
    pub request_id: Option<String>,
}

/// The menu's groups, in order: the valid responses, then every other scenario under what an
/// SP that accepts it lets happen, most severe first. Empty groups are left out.
pub fn menu_groups(scenarios: &[Scenario]) -> Vec<(&'static str, Vec<&Scenario>)> {
    let valid = (
        "Valid responses",
        by(scenarios, |s| s.category == Category::Valid),
    );
    std::iter::once(valid)
        .chain(Impact::ALL.into_iter().map(|impact| {
            let group = by(scenarios, |s| {
                s.category != Category::Valid && s.impact == impact
            });
            (impact.title(), group)
        }))
        .filter(|(_, group)| !group.is_empty())
        .collect()
}

fn by(scenarios: &[Scenario], keep: impl Fn(&Scenario) -> bool) -> Vec<&Scenario> {
    scenarios.iter().filter(|s| keep(s)).collect()
}

/// Query-string encoding of a fixed value (scenario names and the demo user's email).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| format!("{url}: no answer (examples need `samlscope serve`)"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: not an HTTP response"))?;
    let text = JsFuture::from(response.text().map_err(|_| format!("{url}: no body"))?)
        .await
        .map_err(|_| format!("{url}: body not readable"))?
        .as_string()
        .unwrap_or_default();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}: {text}", response.status()));
    }
    Ok(text)
}

/// The first app of the mock IdP (the JumpCloud setup-guide app) and every scenario.
pub async fn load_catalogue() -> Result<Catalogue, String> {
    let apps: Vec<AppInfo> = serde_json::from_str(&fetch_text("/api/apps").await?)
        .map_err(|e| format!("/api/apps: {e}"))?;
    let app = apps
        .into_iter()
        .next()
        .ok_or("the mock IdP has no application")?;
    let scenarios: Vec<Scenario> = serde_json::from_str(&fetch_text("/api/scenarios").await?)
        .map_err(|e| format!("/api/scenarios: {e}"))?;
    Ok(Catalogue { app, scenarios })
}

/// A freshly issued response for one scenario, with the app's metadata and SP settings.
pub async fn load_example(app: &AppInfo, scenario: &str) -> Result<Example, String> {
    let user = app
        .example_user
        .as_deref()
        .ok_or("the app has no assigned user to issue a response for")?;
    let label = encode(&app.label);
    let response = fetch_text(&format!(
        "/api/apps/{label}/responses/{}?user={}",
        encode(scenario),
        encode(user)
    ))
    .await?;
    let response: ScenarioResponse =
        serde_json::from_str(&response).map_err(|e| format!("scenario response: {e}"))?;
    let metadata = fetch_text(&format!("/api/apps/{label}/metadata")).await?;
    Ok(Example {
        saml_response: response.saml_response,
        metadata,
        sp_entity_id: app.sp_entity_id.clone(),
        acs_url: response.acs_url,
        request_id: response.in_response_to,
    })
}

/// A response opened from a link ([`crate::link`]) with the trust and SP settings of the app
/// it names, fetched from this server: the requests carry the app's label, never the response.
pub async fn load_linked(linked: &crate::link::Linked) -> Result<Example, String> {
    let label = linked.app.as_deref().ok_or("the link names no app")?;
    let apps: Vec<AppInfo> = serde_json::from_str(&fetch_text("/api/apps").await?)
        .map_err(|e| format!("/api/apps: {e}"))?;
    let app = apps
        .into_iter()
        .find(|a| a.label == label)
        .ok_or_else(|| format!("this server has no app {label:?}"))?;
    let metadata = fetch_text(&format!("/api/apps/{}/metadata", encode(label))).await?;
    Ok(Example {
        saml_response: linked.saml_response.clone(),
        metadata,
        sp_entity_id: app.sp_entity_id,
        acs_url: linked
            .acs_url
            .clone()
            .or_else(|| app.acs_urls.into_iter().next())
            .unwrap_or_default(),
        request_id: linked.request_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;
    use samlscope_api::{SignatureRequirement, SpVerdict};

    fn scenario(name: &str, category: Category, impact: Impact) -> Scenario {
        Scenario {
            name: name.into(),
            description: String::new(),
            category,
            family: None,
            expected_sp_verdict: SpVerdict::Invalid,
            expected_check: None,
            impact,
            rule: String::new(),
            references: Vec::new(),
            accepted_when: Vec::<SignatureRequirement>::new(),
            needs_sha1: false,
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("alice@acmecorp.com"), "alice%40acmecorp.com");
        assert_eq!(encode("xsw-1 a/b"), "xsw-1%20a%2Fb");
    }

    #[test]
    fn the_menu_lists_valid_responses_then_the_rest_by_impact_most_severe_first() {
        let list = [
            scenario("expired", Category::Policy, Impact::Policy),
            scenario("pi", Category::Attack, Impact::Lenient),
            scenario("valid-both", Category::Valid, Impact::Policy),
            scenario("xsw1", Category::Attack, Impact::Takeover),
            scenario("alg-sha1", Category::Attack, Impact::Policy),
        ];
        let groups: Vec<(&str, Vec<&str>)> = menu_groups(&list)
            .into_iter()
            .map(|(h, g)| (h, g.iter().map(|s| s.name.as_str()).collect()))
            .collect();
        assert_eq!(
            groups,
            vec![
                ("Valid responses", vec!["valid-both"]),
                (Impact::Takeover.title(), vec!["xsw1"]),
                (Impact::Lenient.title(), vec!["pi"]),
                (Impact::Policy.title(), vec!["expired", "alg-sha1"]),
            ]
        );
    }
}
