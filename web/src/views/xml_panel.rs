//! The decoded XML, pretty-printed, with what verified signatures cover shaded.

use yew::prelude::*;

use super::Actions;
use crate::xml_view::{self, Coverage, Region, TokenKind};

/// The decoded XML, pretty-printed, with signed regions and everything outside them marked.
pub(super) fn xml_panel(text: &str, regions: &[Region], _actions: &Actions, title: &str) -> Html {
    let tokens = xml_view::tokenize(text);
    let lines = xml_view::lines(text, &tokens);
    let truncated = lines.len() > xml_view::MAX_LINES;
    let shown = &lines[..lines.len().min(xml_view::MAX_LINES)];
    let legend = if regions.is_empty() {
        html! { <p class="legend"><span class="unsigned">{ "No verified signature covers any part of this message." }</span></p> }
    } else {
        html! {
            <p class="legend">
                <span class="signed">{ "covered by a verified signature" }</span>
                <span class="sig">{ "the signature" }</span>
                <span class="unsigned">{ "outside every verified signature (not vouched for)" }</span>
            </p>
        }
    };
    html! {
        <section class="card xml" data-testid="xml">
            <h2>{ title.to_owned() }</h2>
            { legend }
            <div class="code" role="region" aria-label={title.to_owned()} tabindex="0">
                { for shown.iter().enumerate().map(|(n, line)| {
                    let toks = &tokens[line.tokens.clone()];
                    let unsigned = toks.iter().any(|t| xml_view::coverage(t, regions) == Coverage::Unsigned);
                    let line_class = if unsigned { "unsigned" } else { "covered" };
                    let indent = "  ".repeat(line.depth.min(40));
                    html! {
                        <div class={classes!("line", line_class)} id={format!("xml-line-{n}")} data-start={toks.first().map(|t| t.start).unwrap_or(0).to_string()}>
                            <span class="indent">{ indent }</span>
                            { for toks.iter().map(|t| token(text, t, regions)) }
                        </div>
                    }
                }) }
            </div>
            if truncated {
                <p class="muted">{ format!("Showing the first {} of {} lines.", xml_view::MAX_LINES, lines.len()) }</p>
            }
        </section>
    }
}

fn token(text: &str, t: &xml_view::Token, regions: &[Region]) -> Html {
    let cov = xml_view::coverage(t, regions).class();
    let s = &text[t.start..t.end];
    match t.kind {
        TokenKind::Open | TokenKind::Close | TokenKind::Empty => html! {
            <span class={cov}>
                { for xml_view::tag_parts(s).into_iter().map(|(part, p)| html! { <span class={part.class()}>{ p }</span> }) }
            </span>
        },
        TokenKind::Text => html! { <span class={classes!(cov, "t")}>{ s }</span> },
        TokenKind::Comment => html! { <span class={classes!(cov, "c")}>{ s }</span> },
        TokenKind::CData => html! { <span class={classes!(cov, "cd")}>{ s }</span> },
        TokenKind::Declaration => html! { <span class={classes!(cov, "d")}>{ s }</span> },
    }
}

/// Positions lines for [`crate::app`]'s scroll-to: the line index of a byte offset.
pub fn line_for_offset(text: &str, offset: usize) -> Option<usize> {
    let tokens = xml_view::tokenize(text);
    let lines = xml_view::lines(text, &tokens);
    xml_view::line_of(&lines, &tokens, offset).filter(|&l| l < xml_view::MAX_LINES)
}
