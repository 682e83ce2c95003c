//! Administration: organisations, their departments and staff logins (`tovholder_app::admin`
//! decides who may do what; to anyone else every page and answer here is "not found").

pub mod api;
pub mod import;
pub mod insight;
pub mod models;
pub mod models_api;
pub mod pages;

use axum::routing::{delete, get, patch, post, put};

use crate::http::json::Created;
use crate::http::route::Guard::User;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/admin", User, "Administration: organisationerne, man administrerer.", get(pages::index)),
        r("GET", "/admin/indsigt", User, "Indsigt for en person (art. 15): formularen til CPR-nummeret.", get(insight::form)),
        r("POST", "/admin/indsigt", User, "Indsigt for en person: udkastet for CPR-nummeret (kun ved POST, aldrig i en URL).", post(insight::draft)),
        r("POST", "/admin/indsigt/csv", User, "Indsigt for en person som regneark (csv; semikolon, UTF-8 med BOM).", post(insight::csv)),
        r("POST", "/admin/indsigt/pdf", User, "Indsigt for en person som brev (pdf).", post(insight::pdf)),
        r("GET", "/admin/modeller", User, "Samarbejdsmodeller: hver gemt version, og indlæsning af en ny (kun instansens administrator).", get(models::index)),
        r("POST", "/admin/modeller/kontrol", User, "Kontrollér en modelfil og vis dens tidslinje for de indtastede datoer; intet gemmes.", post(models::check)).uploads(),
        r("POST", "/admin/modeller/tag-i-brug", User, "Gem den kontrollerede modelfil som en ny version: nye forløb følger den.", post(models::take)),
        r("GET", "/admin/modeller/{model}/flyt", User, "Prøvekørsel: hvad en flytning af de åbne forløb til versionen ?til=N ændrer.", get(models::dry_run)),
        r("POST", "/admin/modeller/{model}/flyt", User, "Flyt de åbne forløb, der kan flyttes, til versionen til=N.", post(models::move_courses)),
        r("GET", "/api/v1/admin/models", User, "Samarbejdsmodellerne og hver gemt version, den nyeste først (kun instansens administrator).", get(models_api::list)).returns::<Vec<models_api::ModelVersions>>(),
        r(
            "POST",
            "/api/v1/admin/models",
            User,
            "En modelfil (brødteksten, TOML). ?dry_run=true: kontrollér den, intet gemmes (200). Ellers tages den i brug som ny version (201; 200 hvis teksten er gemt før). 422 med hver fejl ved linje eller felt.",
            post(models_api::upload),
        )
        .answers(&[200, 201])
        .takes("text/plain").returns::<models_api::Upload>().returns_on::<models_api::Upload>(201).query::<models_api::UploadQuery>(),
        r("GET", "/api/v1/admin/models/{model}/moves", User, "Prøvekørsel: hvad en flytning af modellens åbne forløb til versionen ?to=N ændrer, pr. forløb.", get(models_api::dry_run)).returns::<Vec<models_api::PlannedMove>>().query::<models_api::MoveQuery>(),
        r("POST", "/api/v1/admin/models/{model}/moves", User, "Flyt modellens åbne forløb, der kan flyttes, til versionen {to}; svarer med antallet.", post(models_api::move_courses)).body::<models_api::MoveBody>().returns::<models_api::Moved>(),
        r("GET", "/admin/logg", User, "Log over administration: de nyeste administrative handlinger (?handling=...).", get(pages::audit)),
        r("GET", "/admin/import", User, "Importér brugere, afdelinger eller organisationer fra en CSV-fil.", get(import::show)),
        r("POST", "/admin/import", User, "Læs en CSV-fil og vis hver linje og hver fejl; intet gemmes.", post(import::upload)).uploads(),
        r("POST", "/admin/import/gem", User, "Gem den viste CSV-fil.", post(import::save)).uploads(),
        r("GET", "/admin/import/skabelon/{kind}", User, "En skabelon at udfylde (brugere, afdelinger eller organisationer).", get(import::template)),
        r(
            "POST",
            "/api/v1/admin/import",
            User,
            "Importér en CSV-fil (brødteksten; ;-separeret, UTF-8 eller Windows-1252). ?dry_run=true: hver linje og hver fejl, intet gemmes. Ellers 201 {kind, created}, eller 422 med fejl pr. felt «linje.kolonne».",
            post(import::api),
        )
        .answers(&[200, 201])
        .takes("text/csv").returns::<tovholder_app::import::Preview>().returns_on::<import::Imported>(201).query::<import::ApiQuery>(),
        r("POST", "/admin/organisationer", User, "Opret en organisation (kun instansens administrator).", post(pages::create_org)),
        r("GET", "/admin/organisationer/{org}", User, "En organisation: afdelinger og brugere.", get(pages::organisation)),
        r("POST", "/admin/organisationer/{org}/login", User, "Slå lokale adgangskoder fra eller til for organisationens personale.", post(pages::set_login)),
        r("POST", "/admin/organisationer/{org}/afdelinger", User, "Tilføj en afdeling.", post(pages::add_department)),
        r("POST", "/admin/organisationer/{org}/brugere", User, "Opret en bruger.", post(pages::create_user)),
        r("GET", "/admin/brugere/{user}", User, "En bruger: roller og afdeling.", get(pages::user)),
        r("POST", "/admin/brugere/{user}/roller", User, "Ret en brugers faste roller og afdeling.", post(pages::change_roles)),
        r("POST", "/admin/brugere/{user}", User, "Ret en bruger: aktiv eller lukket, roller, afdeling.", post(pages::change_user)),
        r("POST", "/admin/brugere/{user}/adgangskode", User, "Send brugeren et link til at vælge en ny adgangskode.", post(pages::password_link)),
        r("POST", "/admin/brugere/{user}/totrin", User, "Nulstil brugerens totrinsbekræftelse (fx en mistet telefon).", post(pages::reset_second_factor)),
        r("GET", "/api/v1/admin/organisations", User, "Organisationerne, man administrerer: {id, name, kind}.", get(api::organisations)).returns::<Vec<tovholder_store::Org>>(),
        r(
            "POST",
            "/api/v1/admin/organisations",
            User,
            "Opret en organisation: {name, kind, cvr?, ean?, sor?, kommunekode?}; svarer 201 med dens id (kun instansens administrator).",
            post(api::create_org),
        )
        .answers(&[201]).body::<tovholder_app::admin::NewOrg>().returns::<Created>(),
        r("PATCH", "/api/v1/admin/organisations/{org}", User, "Ret en organisations numre: {cvr?, ean?, sor?, kommunekode?}; det udeladte fjernes.", patch(api::change_org)).body::<tovholder_store::OrgCodes>().returns::<tovholder_store::Org>(),
        r(
            "PUT",
            "/api/v1/admin/organisations/{org}/login",
            User,
            "Hvordan personalet logger ind: {sign_on_only}; true slår lokale adgangskoder fra (kræver en login-tjeneste for organisationen; instansens administratorer beholder deres).",
            put(api::set_login),
        ).body::<api::LoginBody>().returns::<tovholder_store::Org>(),
        r("GET", "/api/v1/admin/organisations/{org}/departments", User, "En organisations afdelinger: {id, name, kind}.", get(api::departments)).returns::<Vec<tovholder_store::Department>>(),
        r("POST", "/api/v1/admin/organisations/{org}/departments", User, "Tilføj en afdeling: {name, kind?}; svarer 201 med dens id.", post(api::add_department)).answers(&[201]).body::<api::DepartmentBody>().returns::<Created>(),
        r("GET", "/api/v1/admin/organisations/{org}/users", User, "En organisations brugere, også de lukkede.", get(api::users)).returns::<Vec<tovholder_app::admin::StaffRow>>(),
        r(
            "POST",
            "/api/v1/admin/users",
            User,
            "Opret en bruger: {login, name, email, organisation, department?, roles, password?}; svarer 201 med id. Uden password får brugeren et link på e-mail til at vælge den.",
            post(api::create_user),
        )
        .answers(&[201]).body::<tovholder_app::admin::NewStaff>().returns::<Created>(),
        r("POST", "/api/v1/admin/users/{user}/password-link", User, "Send brugeren et link til at vælge en ny adgangskode (30 minutter); svarer 204.", post(api::password_link)).answers(&[204]).no_body(),
        r("DELETE", "/api/v1/admin/users/{user}/second-factor", User, "Nulstil brugerens totrinsbekræftelse; svarer 204.", delete(api::reset_second_factor)).answers(&[204]).no_body(),
        r("PATCH", "/api/v1/admin/users/{user}", User, "Ret en bruger: {active?, roles?, department?}; en lukket bruger logges ud.", patch(api::change_user)).body::<tovholder_app::admin::StaffChange>().returns::<tovholder_app::admin::StaffRow>(),
    ]
}
