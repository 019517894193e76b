//! A browser's cookie jar over the loopback client: remembers what `Set-Cookie` says (name,
//! value; `Max-Age=0` deletes) and sends it back as `Cookie`, so tests follow IdP sessions.

use std::net::SocketAddr;

use super::{Resp, request};

pub struct Browser {
    addr: SocketAddr,
    cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            cookies: Vec::new(),
        }
    }

    /// The value of cookie `name`, if held.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(k, _)| k != name);
        self.cookies.push((name.to_owned(), value.to_owned()));
    }

    pub fn forget_cookies(&mut self) {
        self.cookies.clear();
    }

    pub async fn get(&mut self, target: &str) -> Resp {
        self.send("GET", target, None, b"").await
    }

    pub async fn post_form(&mut self, target: &str, pairs: &[(&str, &str)]) -> Resp {
        let body = samlscope_idp::form::form_encode(pairs);
        self.send(
            "POST",
            target,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
        .await
    }

    async fn send(
        &mut self,
        method: &str,
        target: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Resp {
        let jar = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(ct) = content_type {
            headers.push(("Content-Type", ct));
        }
        if !jar.is_empty() {
            headers.push(("Cookie", jar.as_str()));
        }
        let resp = request(self.addr, method, target, &headers, body, None).await;
        for (k, v) in &resp.headers {
            if !k.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let mut parts = v.split(';').map(str::trim);
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let expired = parts.any(|p| p.eq_ignore_ascii_case("max-age=0"));
            self.cookies.retain(|(k, _)| k != name);
            if !expired {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        resp
    }
}
