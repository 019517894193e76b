//! The page component: inputs, debounced local validation, persistence of settings, examples,
//! file drop, and scroll-to-span. All computation is in [`crate::inspect`]; nothing typed or
//! pasted is ever part of a network request.

use crate::clock;
use crate::examples::{self, Catalogue, Example};
use crate::inspect::{Inputs, Inspection, Outcome, Settings, inspect};
use crate::link::{self, Linked};
use crate::trust::{TrustSetup, holds_private_key, parse_trust};
use crate::views::{self, Actions};
use gloo_timers::callback::Timeout;
use std::rc::Rc;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Validation waits this long after the last keystroke (a large paste arrives in one event).
const DEBOUNCE_MS: u32 = 200;
/// Files above this are refused before reading (decode's own input limit is 64 MiB).
const MAX_FILE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
const STORAGE_KEY: &str = "samlscope.settings";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    IdpEntityId,
    SpEntityId,
    AcsUrl,
    RequestId,
    Skew,
    CheckAt,
    Trust,
    SpCertificate,
}

pub enum Msg {
    Paste(String),
    Field(Field, String),
    AllowSha1(bool),
    AllowUnsignedRequests(bool),
    SpKey(String),
    Select(usize),
    Run,
    Focus(usize),
    UseRequestId(String),
    UseAsTrust(String),
    /// SP metadata's entity ID and default ACS URL as the SP settings, the metadata itself as
    /// the SP certificate source.
    UseSpSettings(String, Option<String>, String),
    CheckAt(String),
    Catalogue(Result<Catalogue, String>),
    PickExample(String),
    ExampleLoaded(String, Result<Example, String>),
    FileLoaded(String, Result<String, String>),
    /// The URL fragment changed (or the page loaded with one): it may carry a response.
    HashChanged,
    /// A linked response with its app's trust and SP settings, or why they could not be had.
    LinkLoaded(Box<Linked>, Result<Example, String>),
    Clear,
}

pub struct App {
    paste: AttrValue,
    settings: Settings,
    /// The SP private key: memory only, never persisted, never sent.
    sp_key: AttrValue,
    selected: usize,
    inspection: Rc<Inspection>,
    elapsed_ms: f64,
    timer: Option<Timeout>,
    catalogue: Option<Result<Catalogue, String>>,
    note: Option<Result<String, String>>,
    focus: Option<usize>,
    /// The trust box as last parsed, and what it gave (re-parsed only when the box changes).
    trust: (String, Result<TrustSetup, String>),
    /// How many validations have run (`data-run`: lets tests wait for the next result).
    runs: u64,
    /// Listens for `hashchange` as long as the page lives.
    _hash_listener: Option<Closure<dyn FnMut()>>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load_settings() -> Settings {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn save_settings(settings: &Settings) {
    let mut persisted = settings.clone();
    // Public trust material only: a private key pasted into the trust box is never stored.
    if holds_private_key(&persisted.trust) {
        persisted.trust.clear();
    }
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&persisted)) {
        // Storage may be full or disabled (private mode): the page works without it.
        let _ = s.set_item(STORAGE_KEY, &json);
    }
}

impl App {
    fn schedule(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        // Replacing the timer drops (cancels) the previous one: only the last edit runs.
        self.timer = Some(Timeout::new(DEBOUNCE_MS, move || {
            link.send_message(Msg::Run)
        }));
    }

    fn run(&mut self) {
        let started = clock::millis();
        if self.trust.0 != self.settings.trust {
            self.trust = (
                self.settings.trust.clone(),
                parse_trust(&self.settings.trust),
            );
        }
        let inspection = inspect(
            &Inputs {
                paste: &self.paste,
                settings: &self.settings,
                sp_key: &self.sp_key,
                now: clock::now(),
                selected: self.selected,
            },
            &self.trust.1,
        );
        self.runs += 1;
        self.elapsed_ms = clock::millis() - started;
        self.selected = inspection.selected;
        self.inspection = Rc::new(inspection);
        save_settings(&self.settings);
    }

    fn current_xml(&self) -> Option<&str> {
        match &self.inspection.outcome {
            Outcome::Verdict(r) => Some(&r.xml),
            Outcome::Metadata { xml, .. }
            | Outcome::SpMetadata { xml, .. }
            | Outcome::Request { xml, .. } => Some(xml),
            Outcome::Empty | Outcome::Undecodable(_) => None,
        }
    }

    fn apply_example(&mut self, e: Example) {
        self.paste = e.saml_response.into();
        self.settings.trust = e.metadata;
        // The example's metadata names its IdP; an IdP Entity ID typed for another would make
        // every example fail its trust checks.
        self.settings.idp_entity_id.clear();
        self.settings.sp_entity_id = e.sp_entity_id;
        self.settings.acs_url = e.acs_url;
        self.settings.request_id = e.request_id.unwrap_or_default();
        self.settings.check_at.clear();
        self.selected = 0;
    }
}

fn textarea_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn read_file(link: yew::html::Scope<App>, file: web_sys::File) {
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        link.send_message(Msg::FileLoaded(
            name,
            Err("larger than 64 MiB; not read".into()),
        ));
        return;
    }
    spawn_local(async move {
        let text = JsFuture::from(file.text())
            .await
            .map_err(|_| "could not be read".to_owned())
            .map(|v| v.as_string().unwrap_or_default());
        link.send_message(Msg::FileLoaded(name, text));
    });
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        spawn_local(async move {
            link.send_message(Msg::Catalogue(examples::load_catalogue().await));
        });
        let mut app = Self {
            paste: AttrValue::default(),
            settings: load_settings(),
            sp_key: AttrValue::default(),
            selected: 0,
            inspection: Rc::new(inspect(
                &Inputs {
                    paste: "",
                    settings: &Settings::default(),
                    sp_key: "",
                    now: clock::now(),
                    selected: 0,
                },
                &Ok(TrustSetup::default()),
            )),
            elapsed_ms: 0.0,
            timer: None,
            catalogue: None,
            note: None,
            focus: None,
            trust: (String::new(), Ok(TrustSetup::default())),
            runs: 0,
            _hash_listener: None,
        };
        app.trust.1 = parse_trust("");
        app._hash_listener = web_sys::window().map(|w| {
            let link = ctx.link().clone();
            let f = Closure::<dyn FnMut()>::new(move || link.send_message(Msg::HashChanged));
            let _ = w.add_event_listener_with_callback("hashchange", f.as_ref().unchecked_ref());
            f
        });
        app.open_link(ctx);
        app.run();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Paste(text) => {
                self.paste = text.into();
                self.selected = 0;
                self.schedule(ctx);
                false
            }
            Msg::Field(field, value) => {
                let s = &mut self.settings;
                match field {
                    Field::IdpEntityId => s.idp_entity_id = value,
                    Field::SpEntityId => s.sp_entity_id = value,
                    Field::AcsUrl => s.acs_url = value,
                    Field::RequestId => s.request_id = value,
                    Field::Skew => s.skew_seconds = value.trim().parse().unwrap_or(180),
                    Field::CheckAt => s.check_at = value,
                    Field::Trust => s.trust = value,
                    Field::SpCertificate => s.sp_certificate = value,
                }
                self.schedule(ctx);
                false
            }
            Msg::AllowSha1(on) => {
                self.settings.allow_sha1 = on;
                self.run();
                true
            }
            Msg::AllowUnsignedRequests(on) => {
                self.settings.allow_unsigned_requests = on;
                self.run();
                true
            }
            Msg::SpKey(pem) => {
                self.sp_key = pem.into();
                self.schedule(ctx);
                false
            }
            Msg::Select(i) => {
                self.selected = i;
                self.run();
                true
            }
            Msg::Run => {
                self.timer = None;
                self.run();
                true
            }
            Msg::Focus(offset) => {
                self.focus = Some(offset);
                true
            }
            Msg::UseRequestId(id) => {
                self.settings.request_id = id;
                self.note = Some(Ok(
                    "Request ID set: paste the response to this request to check InResponseTo."
                        .into(),
                ));
                self.run();
                true
            }
            Msg::UseSpSettings(entity_id, acs_url, metadata) => {
                self.settings.sp_entity_id = entity_id;
                if let Some(acs) = acs_url {
                    self.settings.acs_url = acs;
                }
                self.settings.sp_certificate = metadata;
                self.note = Some(Ok(
                    "SP Entity ID, ACS URL and SP certificate set from the SP's metadata: now paste the IdP's metadata as trust, then a SAMLResponse (or an AuthnRequest to verify its signature)."
                        .into(),
                ));
                self.run();
                true
            }
            Msg::CheckAt(at) => {
                self.settings.check_at = at;
                self.note = Some(Ok(
                    "Checking as of the message's IssueInstant: clear \"Check at\" to check as of now again."
                        .into(),
                ));
                self.run();
                true
            }
            Msg::UseAsTrust(xml) => {
                self.settings.trust = xml;
                self.note = Some(Ok(
                    "Metadata set as trust: now paste a SAMLResponse to check.".into(),
                ));
                self.run();
                true
            }
            Msg::Catalogue(c) => {
                self.catalogue = Some(c);
                true
            }
            Msg::PickExample(name) => {
                let app = match &self.catalogue {
                    Some(Ok(c)) => c.app.clone(),
                    _ => return false,
                };
                self.note = Some(Ok(format!("Loading example {name}…")));
                let link = ctx.link().clone();
                spawn_local(async move {
                    let loaded = examples::load_example(&app, &name).await;
                    link.send_message(Msg::ExampleLoaded(name, loaded));
                });
                true
            }
            Msg::ExampleLoaded(name, loaded) => {
                match loaded {
                    Ok(e) => {
                        self.apply_example(e);
                        self.note = Some(Ok(format!(
                            "Example {name} loaded: issued just now by the mock IdP, with its metadata and SP settings."
                        )));
                        self.run();
                    }
                    Err(e) => self.note = Some(Err(format!("Example {name}: {e}"))),
                }
                true
            }
            Msg::FileLoaded(name, text) => {
                match text {
                    Ok(t) => {
                        self.paste = t.into();
                        self.selected = 0;
                        self.note = Some(Ok(format!("Read {name} (stays in this page).")));
                        self.run();
                    }
                    Err(e) => self.note = Some(Err(format!("{name}: {e}"))),
                }
                true
            }
            Msg::HashChanged => {
                if self.open_link(ctx) {
                    self.run();
                }
                true
            }
            Msg::LinkLoaded(linked, loaded) => {
                let app = linked.app.clone().unwrap_or_default();
                match loaded {
                    Ok(e) => {
                        self.apply_example(e);
                        self.note = Some(Ok(format!(
                            "Opened the response from the link (it never left this browser), checked against app {app}'s metadata from this server."
                        )));
                    }
                    Err(e) => {
                        self.paste = linked.saml_response.into();
                        self.selected = 0;
                        self.note = Some(Err(format!(
                            "Opened the response from the link, but app {app}'s metadata could not be fetched ({e}): the verdict uses the trust and SP settings already here."
                        )));
                    }
                }
                self.run();
                true
            }
            Msg::Clear => {
                self.paste = AttrValue::default();
                self.sp_key = AttrValue::default();
                self.selected = 0;
                self.note = None;
                self.run();
                true
            }
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        let Some(offset) = self.focus.take() else {
            return;
        };
        let Some(line) = self
            .current_xml()
            .and_then(|xml| views::line_for_offset(xml, offset))
        else {
            return;
        };
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("xml-line-{line}")));
        if let Some(el) = element {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            el.scroll_into_view_with_scroll_into_view_options(&options);
            // Restart the highlight animation on the target line.
            let _ = el.class_list().remove_1("flash");
            if let Some(html) = el.dyn_ref::<web_sys::HtmlElement>() {
                let _ = html.offset_width();
            }
            let _ = el.class_list().add_1("flash");
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let field = |f: Field| link.callback(move |e: InputEvent| Msg::Field(f, input_value(&e)));
        let actions = Actions {
            focus: link.callback(Msg::Focus),
            use_request_id: link.callback(Msg::UseRequestId),
            use_as_trust: link.callback(Msg::UseAsTrust),
            use_sp_settings: link.callback(|(id, acs, md)| Msg::UseSpSettings(id, acs, md)),
            check_at: link.callback(Msg::CheckAt),
        };
        let s = &self.settings;
        let i = &self.inspection;
        html! {
            <>
            <header>
                <h1>{ "samlscope" }<span class="sub">{ " SAML inspector" }</span></h1>
                <p class="privacy">{ "Runs in this page as WebAssembly. Nothing you paste or type is sent anywhere." }</p>
            </header>
            <main>
                <div class="inputs">
                    <section class="paste">
                        <label for="input">{ "SAMLResponse, AuthnRequest, IdP or SP metadata" }</label>
                        <textarea id="input" data-testid="input" rows="9" spellcheck="false"
                            placeholder="Paste raw XML, base64, a POST body, a Redirect URL, the IdP's auto-post page, a HAR or a SAML-tracer export — or drop a file here"
                            value={self.paste.clone()}
                            oninput={link.callback(|e: InputEvent| Msg::Paste(textarea_value(&e)))}
                            ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                            ondrop={{
                                let link = link.clone();
                                Callback::from(move |e: DragEvent| {
                                    e.prevent_default();
                                    if let Some(f) = e.data_transfer().and_then(|d| d.files()).and_then(|fs| fs.get(0)) {
                                        read_file(link.clone(), f);
                                    }
                                })
                            }} />
                        <div class="row">
                            <label class="file">{ "Open file… " }
                                <input type="file" data-testid="file" accept=".xml,.har,.json,.txt,.b64,.html,application/xml,application/json,text/*"
                                    onchange={{
                                        let link = link.clone();
                                        Callback::from(move |e: Event| {
                                            let input: HtmlInputElement = e.target_unchecked_into();
                                            if let Some(f) = input.files().and_then(|fs| fs.get(0)) {
                                                read_file(link.clone(), f);
                                            }
                                            input.set_value("");
                                        })
                                    }} />
                            </label>
                            { self.examples_menu(ctx) }
                            <button type="button" onclick={link.callback(|_| Msg::Clear)}>{ "Clear" }</button>
                        </div>
                        if i.messages.len() > 1 {
                            <label class="row">{ format!("{} messages found; showing ", i.messages.len()) }
                                <select data-testid="message-picker" onchange={link.callback(|e: Event| {
                                    let sel: HtmlSelectElement = e.target_unchecked_into();
                                    Msg::Select(sel.selected_index().max(0) as usize)
                                })}>
                                    { for i.messages.iter().enumerate().map(|(n, m)| html! {
                                        <option selected={n == i.selected}>{ m.label.clone() }</option>
                                    }) }
                                </select>
                            </label>
                        }
                        { for i.findings.iter().map(|f| html! { <p class="note">{ f.clone() }</p> }) }
                        { match &self.note {
                            Some(Ok(n)) => html! { <p class="note" data-testid="note">{ n.clone() }</p> },
                            Some(Err(e)) => html! { <p class="error" data-testid="note">{ e.clone() }</p> },
                            None => html! {},
                        } }
                    </section>
                    <section class="trust">
                        <label for="trust">{ "Trust: IdP metadata, certificate (PEM) or SHA-256 fingerprint" }</label>
                        <textarea id="trust" data-testid="trust" rows="5" spellcheck="false"
                            placeholder="JumpCloud: SSO tab → Export Metadata, or the IDP Certificate download"
                            value={s.trust.clone()} oninput={link.callback(|e: InputEvent| Msg::Field(Field::Trust, textarea_value(&e)))} />
                        { match &i.trust {
                            Ok(summary) => html! { <p class="muted small" data-testid="trust-summary">{ summary.clone() }</p> },
                            Err(e) => html! { <p class="error" data-testid="trust-summary">{ e.clone() }</p> },
                        } }
                    </section>
                    <section class="sp">
                        <div class="grid">
                            <label for="idp-entity-id">{ "IdP Entity ID (Issuer)" }</label>
                            <input id="idp-entity-id" data-testid="idp-entity-id" value={s.idp_entity_id.clone()} oninput={field(Field::IdpEntityId)} placeholder="jumpcloud-<org> (from metadata when given)" />
                            <label for="sp-entity-id">{ "SP Entity ID (Audience)" }</label>
                            <input id="sp-entity-id" data-testid="sp-entity-id" value={s.sp_entity_id.clone()} oninput={field(Field::SpEntityId)} placeholder="https://app.example.com" />
                            <label for="acs-url">{ "ACS URL" }</label>
                            <input id="acs-url" data-testid="acs-url" value={s.acs_url.clone()} oninput={field(Field::AcsUrl)} placeholder="https://app.example.com/saml/acs" />
                            <label for="request-id">{ "Request ID (InResponseTo)" }</label>
                            <input id="request-id" data-testid="request-id" value={s.request_id.clone()} oninput={field(Field::RequestId)} placeholder="optional: the AuthnRequest's ID" />
                            <label for="skew">{ "Clock skew (s)" }</label>
                            <input id="skew" data-testid="skew" type="number" min="0" max="86400" value={s.skew_seconds.to_string()} oninput={field(Field::Skew)} />
                            <label for="check-at">{ "Check at (UTC)" }</label>
                            <input id="check-at" data-testid="check-at" value={s.check_at.clone()} oninput={field(Field::CheckAt)} placeholder="now, or e.g. 2026-11-28T12:01:00Z" />
                            <label for="allow-sha1">{ "Allow SHA-1" }</label>
                            <input id="allow-sha1" data-testid="allow-sha1" type="checkbox" checked={s.allow_sha1}
                                onchange={link.callback(|e: Event| Msg::AllowSha1(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                        </div>
                        <details open={!s.sp_certificate.is_empty()}>
                            <summary>{ "SP certificate (verifies signed AuthnRequests)" }</summary>
                            <textarea data-testid="sp-cert" rows="3" spellcheck="false" placeholder="PEM, or the SP's metadata (JumpCloud: the SP Certificate field)"
                                value={s.sp_certificate.clone()} oninput={link.callback(|e: InputEvent| Msg::Field(Field::SpCertificate, textarea_value(&e)))} />
                            <label for="allow-unsigned">{ "The SP does not sign its requests (allow unsigned)" }</label>
                            <input id="allow-unsigned" data-testid="allow-unsigned" type="checkbox" checked={s.allow_unsigned_requests}
                                onchange={link.callback(|e: Event| Msg::AllowUnsignedRequests(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                        </details>
                        <details>
                            <summary>{ "SP private key (for encrypted assertions)" }</summary>
                            <p class="muted small">{ "Kept in this tab's memory only: never stored, never sent. Clear removes it." }</p>
                            <textarea data-testid="sp-key" rows="4" spellcheck="false" placeholder="-----BEGIN PRIVATE KEY-----"
                                value={self.sp_key.clone()} oninput={link.callback(|e: InputEvent| Msg::SpKey(textarea_value(&e)))} />
                        </details>
                        { for i.input_errors.iter().map(|e| html! { <p class="error">{ e.clone() }</p> }) }
                    </section>
                </div>
                <div class="result" data-testid="result" data-run={self.runs.to_string()}>
                    if !matches!(i.outcome, Outcome::Empty) {
                        <p class="muted small timing">{ "checked locally in " }
                            <span data-testid="elapsed" data-ms={crate::views::fixed(self.elapsed_ms, 3)}>{ format!("{} ms", crate::views::fixed(self.elapsed_ms, 2)) }</span>
                        </p>
                    }
                    { views::outcome(i, &actions, clock::now()) }
                </div>
            </main>
            </>
        }
    }
}

impl App {
    /// Opens a response carried by the URL fragment, if any, and clears the fragment. Returns
    /// whether the paste changed now (with an app named, it changes when its metadata arrives).
    fn open_link(&mut self, ctx: &Context<Self>) -> bool {
        let Some(linked) = link::parse(&link::current_hash()) else {
            return false;
        };
        link::clear_hash();
        match linked {
            Err(e) => {
                self.note = Some(Err(e));
                false
            }
            Ok(l) if l.app.is_some() => {
                self.note = Some(Ok(format!(
                    "Opening the linked response: fetching app {}'s metadata…",
                    l.app.as_deref().unwrap_or_default()
                )));
                let link = ctx.link().clone();
                spawn_local(async move {
                    let loaded = examples::load_linked(&l).await;
                    link.send_message(Msg::LinkLoaded(Box::new(l), loaded));
                });
                false
            }
            Ok(l) => {
                self.paste = l.saml_response.into();
                self.selected = 0;
                if let Some(acs) = l.acs_url {
                    self.settings.acs_url = acs;
                }
                self.settings.request_id = l.request_id.unwrap_or_default();
                self.note = Some(Ok(
                    "Opened the response from the link (it never left this browser).".into(),
                ));
                true
            }
        }
    }

    fn examples_menu(&self, ctx: &Context<Self>) -> Html {
        match &self.catalogue {
            None => html! { <span class="muted small">{ "loading examples…" }</span> },
            Some(Err(_)) => html! {
                <span class="muted small" title="Examples come from the mock IdP: run `samlscope serve`">{ "examples: not served here" }</span>
            },
            Some(Ok(c)) => html! {
                <label>{ "Load example " }
                    <select data-testid="examples" onchange={ctx.link().batch_callback(|e: Event| {
                        let sel: HtmlSelectElement = e.target_unchecked_into();
                        let v = sel.value();
                        sel.set_selected_index(0);
                        (!v.is_empty()).then_some(Msg::PickExample(v))
                    })}>
                        <option value="" selected=true>{ format!("— {} —", c.app.display_label.as_deref().unwrap_or(&c.app.label)) }</option>
                        { for examples::menu_groups(&c.scenarios).into_iter().map(|(heading, group)| html! {
                            <optgroup label={heading}>
                                { for group.into_iter().map(|s| html! {
                                    <option value={s.name.clone()} title={s.description.clone()}>
                                        { format!("{} — {}", s.name, s.description) }
                                    </option>
                                }) }
                            </optgroup>
                        }) }
                    </select>
                </label>
            },
        }
    }
}
