//! Keeping and erasing closed courses (`tovholder_app::retention`): a course's standing, its
//! export and legal hold, for its coordinators and its organisations' administrators; each
//! organisation's rules, for its administrators. Anyone else gets "not found".

pub mod api;
pub mod pages;

use axum::routing::{get, post, put};

use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/forloeb/{id}/opbevaring", User, "Opbevaring: forløbets regler, retlige forbehold og eksport, og hvornår det kan slettes.", get(pages::course)),
        r(
            "POST",
            "/forloeb/{id}/opbevaring/eksport",
            User,
            "Eksportér hele forløbet: format=json (alle data og filer; det er eksporten, sletning venter på) eller pdf (journal og skrevne dokumenter).",
            post(pages::export),
        ),
        r("POST", "/forloeb/{id}/opbevaring/forbehold", User, "Sæt eller ophæv et retligt forbehold (legal hold): forløbet slettes ikke, mens det står.", post(pages::hold)),
        r("POST", "/forloeb/{id}/opbevaring/genaabn", User, "En administrator for en af forløbets organisationer genåbner et lukket forløb (med hvorfor).", post(pages::reopen)),
        r("GET", "/admin/organisationer/{org}/opbevaring", User, "En organisations regler for opbevaring og sletning af lukkede forløb.", get(pages::org)),
        r("POST", "/admin/organisationer/{org}/opbevaring", User, "Ret en organisations regel for alle modeller eller for én.", post(pages::set_org_rule)),
        r(
            "GET",
            "/api/v1/courses/{id}/retention",
            User,
            "Forløbets opbevaring: hver organisations regel, forbehold, seneste eksport, hvornår det kan slettes, og hvorfor det opbevares.",
            get(api::standing),
        )
        .returns::<api::StandingOut>(),
        r("POST", "/api/v1/courses/{id}/export", User, "Eksportér hele forløbet som JSON (journal, tilstand, personer, dokumenter med indhold); registreres som eksport.", post(api::export))
            .no_body()
            .returns::<tovholder_app::retention::CourseExport>(),
        r("PUT", "/api/v1/courses/{id}/legal-hold", User, "Retligt forbehold: {on}; true: forløbet slettes ikke.", put(api::hold)).body::<api::HoldBody>().returns::<api::StandingOut>(),
        r("GET", "/api/v1/admin/organisations/{org}/retention", User, "En organisations regler for opbevaring: for alle modeller og pr. model.", get(api::org_rules))
            .returns::<Vec<tovholder_app::retention::OrgRule>>(),
        r(
            "PUT",
            "/api/v1/admin/organisations/{org}/retention",
            User,
            "Ret en regel: {model (tom: alle modeller), rule: null (følg organisationens, eller opbevar) eller {rule: keep|archive|erase, years}}.",
            put(api::set_org_rule),
        )
        .body::<api::RuleBody>()
        .returns::<Vec<tovholder_app::retention::OrgRule>>(),
    ]
}
