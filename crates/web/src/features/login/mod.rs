//! Logging in and out, and who the API's caller is.

pub mod api;
pub mod pages;

use axum::routing::{get, post};

use crate::http::route::Guard::{Public, User};
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/login", Public, "Login-siden.", get(pages::login_page)),
        r("POST", "/login", Public, "Log ind.", post(pages::login_submit)),
        r("GET", "/login/sso/callback", Public, "Tilbage fra login-tjenesten (OpenID Connect): koden veksles, ID-tokenet kontrolleres.", get(pages::sso_callback)),
        r("GET", "/login/sso/{provider}", Public, "Log ind med en login-tjeneste (OpenID Connect) fra konfigurationen.", get(pages::sso_start)),
        r("GET", "/login/kode", Public, "Login, andet trin: kode fra godkendelses-appen, eller opsætning første gang.", get(pages::code_form)),
        r("POST", "/login/kode", Public, "Login, andet trin: send koden.", post(pages::code_submit)),
        r("GET", "/adgangskode/glemt", Public, "Glemt adgangskode: bed om et link.", get(pages::forgotten_form)),
        r("POST", "/adgangskode/glemt", Public, "Send et link til at vælge ny adgangskode (svaret er det samme, om brugeren findes eller ej).", post(pages::forgotten_submit)),
        r("GET", "/adgangskode/ny", Public, "Vælg adgangskode med et link fra en e-mail (?t=...).", get(pages::new_password_form)),
        r("POST", "/adgangskode/ny", Public, "Gem adgangskoden; linket virker én gang.", post(pages::new_password_submit)),
        r("POST", "/logout", User, "Log ud.", post(pages::logout)),
        r("GET", "/api/v1/me", User, "Den indloggede bruger og CSRF-token til skrivninger.", get(api::me)).returns::<api::Me>(),
    ]
}
