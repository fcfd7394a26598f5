//! The JavaScript client (`js/frankenphp_ws.js`), served by the listener at `/frankenphp_ws.js`
//! as socket.io serves its own: a PHP page imports it from the server it talks to, with no
//! bundler and no copy to keep in step with the server's version.

use super::http::{respond, Body};
use hyper::{Method, Response, StatusCode};

pub const PATH: &str = "/frankenphp_ws.js";

const SCRIPT: &str = include_str!("../../js/frankenphp_ws.js");

/// The script for a plain `GET /frankenphp_ws.js` (not an upgrade); `None` for anything else.
pub fn serve(method: &Method, path: &str, upgrade: bool) -> Option<Response<Body>> {
    if path != PATH || *method != Method::GET || upgrade {
        return None;
    }
    let mut response = respond(StatusCode::OK, "text/javascript; charset=utf-8", SCRIPT);
    let headers = response.headers_mut();
    // A module script from another origin (the page's) needs CORS; the script is public.
    headers.insert("access-control-allow-origin", "*".parse().unwrap());
    headers.insert("cache-control", "public, max-age=300".parse().unwrap());
    Some(response)
}
