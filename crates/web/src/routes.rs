//! The one route table. Every route is declared here with its guard, so the router is built
//! from it, the OpenAPI document is generated from it, and a test walks it to prove that no
//! route reaches a course without the access policy.

use axum::Router;
use axum::routing::{MethodRouter, get, post};
use serde_json::{Value, json};
use tovholder_core::model::Action;

use crate::ui::assets;
use crate::{App, api, pages};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// No login needed.
    Public,
    /// A logged-in staff member.
    User,
    /// A logged-in staff member allowed this action on the course `{id}` by the policy.
    Course(Action),
}

pub struct RouteDef {
    pub method: &'static str,
    pub path: &'static str,
    pub guard: Guard,
    pub summary: &'static str,
}

pub struct Route {
    pub def: RouteDef,
    pub handler: MethodRouter<App>,
}

fn r(method: &'static str, path: &'static str, guard: Guard, summary: &'static str, handler: MethodRouter<App>) -> Route {
    Route { def: RouteDef { method, path, guard, summary }, handler }
}

pub fn table() -> Vec<Route> {
    use Guard::*;
    vec![
        r("GET", "/healthz", Public, "Svarer 200, når serveren er klar.", get(healthz)),
        r("GET", "/static/{*path}", Public, "Stylesheets, scripts, skrifttyper og ikoner.", get(assets::serve)),
        r("GET", "/login", Public, "Login-siden.", get(pages::login_page)),
        r("POST", "/login", Public, "Log ind.", post(pages::login_submit)),
        r("POST", "/logout", User, "Log ud.", post(pages::logout)),
        r("GET", "/", User, "Mine opgaver.", get(pages::my_tasks)),
        r("GET", "/udbakke", User, "Demoens udbakke.", get(pages::outbox)),
        r("GET", "/forloeb", User, "Min organisations forløb, 50 ad gangen (`?foer=` id: de ældre).", get(pages::courses)),
        r("POST", "/forloeb/soeg", User, "Søg i min organisations forløb efter barnets navn (POST: navne kommer aldrig i en URL).", post(pages::search_courses)),
        r("GET", "/forloeb/ny", User, "Formularen til en ny ansøgning.", get(pages::register::form)),
        r("POST", "/forloeb", User, "Registrér en ansøgning (opretter forløbet).", post(pages::register::submit)),
        r("GET", "/forloeb/{id}", Course(Action::Read), "Et forløbs side: tidslinje, opgaver, personer, handlinger og journal.", get(pages::course::show)),
        r("POST", "/forloeb/{id}/datoer", Course(Action::SetDates), "Sæt eller flyt datoer.", post(pages::course::set_dates)),
        r("POST", "/forloeb/{id}/udpegning", Course(Action::Appoint), "Udpeg til en rolle (med partens oplysninger).", post(pages::course::appoint)),
        r("POST", "/forloeb/{id}/oplysninger", Course(Action::RecordField), "Udfyld oplysninger.", post(pages::course::record_fields)),
        r("POST", "/forloeb/{id}/beslutning", Course(Action::Decide), "Registrér en beslutning.", post(pages::course::decide)),
        r("POST", "/forloeb/{id}/opgaver/{task}", Course(Action::CompleteTask), "Afslut en opgave med et udfald.", post(pages::course::complete_task)),
        r("GET", "/forloeb/{id}/samtykker/ny", Course(Action::RecordConsent), "Formularen til at registrere et samtykke.", get(pages::consents::new_consent)),
        r("POST", "/forloeb/{id}/samtykker", Course(Action::RecordConsent), "Registrér et samtykke (én samtykkegiver pr. formular).", post(pages::consents::record)),
        r("POST", "/forloeb/{id}/samtykker/{consent}/underskrift", Course(Action::RecordConsent), "Registrér en underskrift på et samtykke.", post(pages::consents::sign)),
        r("GET", "/forloeb/{id}/samtykker/{consent}/pdf", Course(Action::RecordConsent), "Samtykkeerklæringen til underskrift (pdf).", get(pages::consents::pdf)),
        r("POST", "/forloeb/{id}/samtykker/{consent}/tilbagekald", Course(Action::RecordConsent), "Tilbagekald et samtykke.", post(pages::consents::revoke)),
        r("GET", "/moedesteder", User, "Min organisations mødesteder (kun de kommer med i kalenderinvitationer).", get(pages::places::list)),
        r("POST", "/moedesteder", User, "Tilføj et mødested: navn og adresse.", post(pages::places::add)),
        r("POST", "/moedesteder/{place}/fjern", User, "Fjern et af min organisations mødesteder.", post(pages::places::remove)),
        r("GET", "/delt", User, "Forløb, som familiens samtykke deler med min afdeling eller organisation.", get(pages::shared)),
        r("POST", "/forloeb/{id}/aendringer", Course(Action::ProposeChange), "Foreslå en ændring, fx en udsættelse.", post(pages::changes::propose)),
        r("POST", "/forloeb/{id}/aendringer/{change}/svar", Course(Action::AnswerChange), "Registrér en parts svar på en ændring.", post(pages::changes::answer)),
        r("POST", "/forloeb/{id}/dokumenter", Course(Action::AddDocument), "Skriv eller upload et dokument (og send det).", post(pages::documents::add)),
        r("GET", "/forloeb/{id}/dokumenter/{doc}", Course(Action::Read), "Læs et dokument.", get(pages::documents::show)),
        r("POST", "/forloeb/{id}/dokumenter/{doc}/send", Course(Action::SendDocument), "Send eller videresend et dokument.", post(pages::documents::send)),
        r("POST", "/forloeb/{id}/fase", Course(Action::SetPhase), "Skift forløbets fase.", post(pages::meetings::set_phase)),
        r("GET", "/forloeb/{id}/moeder/ny", Course(Action::PlanMeeting), "Formularen til at planlægge et møde.", get(pages::meetings::new_meeting)),
        r("POST", "/forloeb/{id}/moeder", Course(Action::PlanMeeting), "Planlæg et møde, eller ændr et planlagt møde.", post(pages::meetings::plan_meeting)),
        r("GET", "/forloeb/{id}/moeder/{meeting}", Course(Action::Read), "Et møde: dagsorden, deltagere, tjekliste, referat og aftaler.", get(pages::meetings::show_meeting)),
        r(
            "POST",
            "/forloeb/{id}/moeder/{meeting}/invitationer",
            Course(Action::PlanMeeting),
            "Send invitationer med kalenderinvitation (uden personoplysninger).",
            post(pages::meetings::send_invitations),
        ),
        r("POST", "/forloeb/{id}/moeder/{meeting}/afbud", Course(Action::PlanMeeting), "Registrér et afbud og en eventuel afløser.", post(pages::meetings::apology)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/tjekliste", Course(Action::PlanMeeting), "Afkryds et trin på tjeklisten (dato og hvem).", post(pages::meetings::checklist)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/referat", Course(Action::PlanMeeting), "Skriv referatet.", post(pages::meetings::minutes)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/aflys", Course(Action::PlanMeeting), "Aflys mødet (deltagerne får en aflysning til kalenderen).", post(pages::meetings::cancel)),
        r("POST", "/forloeb/{id}/aftaler", Course(Action::PlanMeeting), "Registrér en aftale: hvad, hvem, hvornår.", post(pages::meetings::agreement)),
        r(
            "POST",
            "/forloeb/{id}/aftaler/{agreement}",
            Course(Action::Read),
            "Markér en aftale som overholdt eller droppet (koordinatoren eller den ansvarlige).",
            post(pages::meetings::close_agreement),
        ),
        r("GET", "/forloeb/{id}/familieplan", Course(Action::Read), "Familieplanen: netværkskort, mål, indsatser, status og versioner.", get(pages::meetings::show_plan)),
        r("POST", "/forloeb/{id}/netvaerk", Course(Action::PlanMeeting), "Tilføj en person til familiens netværk.", post(pages::meetings::network)),
        r("POST", "/forloeb/{id}/maal", Course(Action::RecordPlan), "Tilføj et mål eller delmål.", post(pages::meetings::goal)),
        r("POST", "/forloeb/{id}/maalinger", Course(Action::RecordPlan), "Registrér en måling (fx fravær).", post(pages::meetings::measure)),
        r("POST", "/forloeb/{id}/indsatser", Course(Action::RecordPlan), "Tilføj en indsats.", post(pages::meetings::intervention)),
        r("POST", "/forloeb/{id}/status", Course(Action::RecordPlan), "Opdatér en persons aktuelle status.", post(pages::meetings::status)),
        r("POST", "/forloeb/{id}/familieplan", Course(Action::IssuePlan), "Udarbejd en ny version af familieplanen (pdf) og send den evt.", post(pages::meetings::issue)),
        r("POST", "/forloeb/{id}/familieplan/{doc}/send", Course(Action::IssuePlan), "Send en version af planen til deltagerne, som samtykket dækker.", post(pages::meetings::send)),
        r("GET", "/api/openapi.json", Public, "Dette API's OpenAPI-beskrivelse.", get(openapi)),
        r("GET", "/api/v1/me", User, "Den indloggede bruger og CSRF-token til skrivninger.", get(api::me)),
        r(
            "GET",
            "/api/v1/courses",
            User,
            "Min organisations forløb, 50 ad gangen, nyeste først: `rows` (titel, næste dato, antal åbne og overskredne opgaver) og `older`, id'et at give som `?before=` for de næste.",
            get(api::courses),
        ),
        r("GET", "/api/v1/me/tasks", User, "Mine åbne og overskredne opgaver, nærmeste frist først.", get(api::my_tasks)),
        r("GET", "/api/v1/courses/{id}", Course(Action::Read), "Et forløb.", get(api::course)),
        r("GET", "/api/v1/courses/{id}/journal", Course(Action::Read), "Et forløbs journal, nyeste først.", get(api::journal)),
        r(
            "GET",
            "/api/v1/meeting-places",
            User,
            "Min organisations mødesteder: {id, name, address}; et møde med et af dem som sted (`name, address`) får stedet med i kalenderinvitationen.",
            get(api::meeting_places),
        ),
        r("POST", "/api/v1/meeting-places", User, "Tilføj et mødested: {name, address}; svarer 201 med dets id.", post(api::add_meeting_place)),
        r("GET", "/api/v1/organisations", User, "Organisationerne (navn og art).", get(api::organisations)),
        r("POST", "/api/v1/courses", User, "Registrér en ansøgning; svarer 201 med forløbets id.", post(api::open_course)),
        r("POST", "/api/v1/courses/{id}/dates", Course(Action::SetDates), "Sæt eller flyt datoer: {dates: {id: dato}, reason}.", post(api::set_dates)),
        r("POST", "/api/v1/courses/{id}/appointments", Course(Action::Appoint), "Udpeg til en rolle: {role, person}.", post(api::appoint)),
        r("POST", "/api/v1/courses/{id}/decisions", Course(Action::Decide), "Registrér en beslutning: {decision, value, note}.", post(api::decide)),
        r("POST", "/api/v1/courses/{id}/fields", Course(Action::RecordField), "Udfyld et felt: {field, value}.", post(api::record_field)),
        r("POST", "/api/v1/courses/{id}/tasks/{task}", Course(Action::CompleteTask), "Afslut en opgave: {outcome, note}.", post(api::complete_task)),
        r(
            "POST",
            "/api/v1/courses/{id}/consents",
            Course(Action::RecordConsent),
            "Registrér et samtykke: {giver, about, recipients, kinds, purpose, valid_from, valid_to}.",
            post(api::record_consent),
        ),
        r("POST", "/api/v1/courses/{id}/consents/{consent}/signatures", Course(Action::RecordConsent), "Registrér en underskrift: {by, how, on}.", post(api::sign_consent)),
        r("POST", "/api/v1/courses/{id}/consents/{consent}/revoke", Course(Action::RecordConsent), "Tilbagekald et samtykke: {note}.", post(api::revoke_consent)),
        r("GET", "/api/v1/shared", User, "Forløb, som familiens samtykke deler med mig (id'er og titler).", get(api::shared)),
        r("POST", "/api/v1/courses/{id}/changes", Course(Action::ProposeChange), "Foreslå en ændring: {kind, dates, reason}.", post(api::propose_change)),
        r("POST", "/api/v1/courses/{id}/changes/{change}/answers", Course(Action::AnswerChange), "En parts svar: {party, agreed, note}.", post(api::answer_change)),
        r("POST", "/api/v1/courses/{id}/documents", Course(Action::AddDocument), "Skriv et dokument: {kind, title, text, to}.", post(api::add_document)),
        r("GET", "/api/v1/courses/{id}/documents/{doc}", Course(Action::Read), "Læs et dokument (kun forfatterens organisation og modtagerne).", get(api::document)),
        r("GET", "/api/v1/courses/{id}/documents/{doc}/recipients", Course(Action::Read), "Hvem dokumentet kan sendes eller videresendes til.", get(api::document_recipients)),
        r("GET", "/api/v1/courses/{id}/meetings/{meeting}", Course(Action::Read), "Et møde: dagsorden med tidsrammer, deltagere og roller, tjekliste, referat og aftaler.", get(api::meeting)),
        r(
            "POST",
            "/api/v1/courses/{id}/meeting-actions",
            Course(Action::Read),
            "Møder, netværk, aftaler, mål og familieplan: {action: plan_meeting|send_invitations|record_apology|record_minutes|tick_checklist|cancel_meeting|set_network|make_agreement|close_agreement|set_goal|measure|set_intervention|record_status|issue_plan|send_plan|set_phase, ...}; hver handling kræver sin egen ret.",
            post(api::meeting_action),
        ),
        r("POST", "/api/v1/courses/{id}/documents/{doc}/send", Course(Action::SendDocument), "Send eller videresend et dokument: {to}.", post(api::send_document)),
    ]
}

pub fn router(app: App) -> Router {
    let mut router = Router::new();
    for route in table() {
        router = router.route(route.def.path, route.handler);
    }
    router
        .route("/api/{*rest}", axum::routing::any(api::not_found))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(app.clone(), crate::http::auth::session_middleware))
        // Outside the session middleware, so its CSRF check of a multipart form sees the limit too.
        .layer(axum::extract::DefaultBodyLimit::max(crate::http::auth::MAX_BODY))
        .with_state(app)
}

async fn healthz() -> &'static str {
    "ok"
}

/// The OpenAPI 3.1 document, generated from the route table so it cannot miss a route.
pub fn openapi_document() -> Value {
    let mut paths = serde_json::Map::new();
    for route in table() {
        let d = &route.def;
        if !d.path.starts_with("/api/v1/") {
            continue;
        }
        let params: Vec<Value> = d
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": if matches!(name, "id" | "doc" | "change" | "consent" | "meeting" | "agreement" | "place") { "integer" } else { "string" }}}))
            .collect();
        let mut op = json!({
            "summary": d.summary,
            "parameters": params,
            "security": [{"session": []}],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "401": {"$ref": "#/components/responses/Problem"},
                "404": {"$ref": "#/components/responses/Problem"},
            },
        });
        if d.method != "GET" {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {}}});
            // Optimistic concurrency: the course version the change was made on.
            if let Some(p) = op["parameters"].as_array_mut() {
                p.push(json!({"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string"}, "description": "The course version the change was made on, e.g. \"7\"; 409 if the same things changed since."}));
            }
            op["security"] = json!([{"session": [], "csrf": []}]);
            op["responses"]["422"] = json!({"$ref": "#/components/responses/Problem"});
            op["responses"]["409"] = json!({"$ref": "#/components/responses/Problem"});
        }
        let entry = paths.entry(d.path.to_string()).or_insert_with(|| json!({}));
        entry[d.method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tovholder API", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::http::auth::SESSION_COOKIE},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
            "responses": {
                "Problem": {
                    "description": "RFC 9457 problem",
                    "content": {"application/problem+json": {"schema": {"type": "object", "properties": {
                        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                        "correlation_id": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
                    }}}},
                },
            },
        },
    })
}

async fn openapi() -> axum::Json<Value> {
    axum::Json(openapi_document())
}
