//! A course: its page and forms (dates, appointments, fields, decisions, tasks), the course list and search, and registering an application.

pub mod api;
pub mod list;
pub mod pages;
pub mod register;

use axum::routing::{get, post};
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::json::Created;
use crate::http::route::Guard::{Course, User};
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/forloeb", User, "Min organisations forløb, 50 ad gangen (`?foer=` id: de ældre).", get(list::courses)),
        r("POST", "/forloeb/soeg", User, "Søg i min organisations forløb efter barnets navn (POST: navne kommer aldrig i en URL).", post(list::search_courses)),
        r("GET", "/forloeb/ny", User, "Formularen til en ny ansøgning.", get(register::form)),
        r("POST", "/forloeb", User, "Registrér en ansøgning (opretter forløbet).", post(register::submit)),
        r("GET", "/forloeb/{id}", Course(Action::Read), "Et forløbs side: tidslinje, opgaver, personer, handlinger og journal.", get(pages::show)),
        r("POST", "/forloeb/{id}/datoer", Course(Action::SetDates), "Sæt eller flyt datoer.", post(pages::set_dates)),
        r("POST", "/forloeb/{id}/udpegning", Course(Action::Appoint), "Udpeg til en rolle (med partens oplysninger).", post(pages::appoint)),
        r("POST", "/forloeb/{id}/overdragelser/{handover}/laest", Course(Action::Read), "Den nye indehaver af en rolle har læst overdragelsen.", post(pages::read_handover)),
        r("POST", "/forloeb/{id}/oplysninger", Course(Action::RecordField), "Udfyld oplysninger.", post(pages::record_fields)),
        r("POST", "/forloeb/{id}/beslutning", Course(Action::Decide), "Registrér en beslutning.", post(pages::decide)),
        r("POST", "/forloeb/{id}/opgaver/{task}", Course(Action::CompleteTask), "Afslut en opgave med et udfald.", post(pages::complete_task)),
        r("POST", "/forloeb/{id}/luk", Course(Action::Read), "Luk forløbet med en årsag fra modellens liste (kun modellens roller til det).", post(pages::close)),
        r("POST", "/forloeb/{id}/genaabn", Course(Action::Read), "Genåbn et lukket forløb, med hvorfor.", post(pages::reopen)),
        command("/api/v1/courses/{id}/close", Course(Action::Read), "Luk forløbet: {reason, note?}. Det kan derefter kun læses, og det er ude af opgavelisterne.", "close_course"),
        command("/api/v1/courses/{id}/reopen", Course(Action::Read), "Genåbn et lukket forløb: {note}.", "reopen_course"),
        r(
            "GET",
            "/api/v1/courses",
            User,
            "Min organisations forløb, 50 ad gangen, nyeste først: `rows` (titel, næste dato, antal åbne og overskredne opgaver) og `older`, id'et at give som `?before=` for de næste.",
            get(api::courses),
        )
        .query::<api::ListQuery>()
        .returns::<tovholder_app::queries::CourseList>(),
        r("GET", "/api/v1/courses/{id}", Course(Action::Read), "Et forløb.", get(api::course)).returns::<tovholder_app::views::CourseView>(),
        r("GET", "/api/v1/courses/{id}/journal", Course(Action::Read), "Et forløbs journal, nyeste først.", get(api::journal)).returns::<Vec<tovholder_app::views::JournalView>>(),
        r("GET", "/api/v1/organisations", User, "Organisationerne (navn og art).", get(api::organisations)).returns::<Vec<tovholder_store::Org>>(),
        r("POST", "/api/v1/courses", User, "Registrér en ansøgning; svarer 201 med forløbets id.", post(api::open_course))
            .answers(&[201])
            .body::<tovholder_app::actions::RegistrationInput>()
            .returns::<Created>(),
        command("/api/v1/courses/{id}/dates", Course(Action::SetDates), "Sæt eller flyt datoer: {dates: {id: dato}, reason}.", "set_dates"),
        command(
            "/api/v1/courses/{id}/appointments",
            Course(Action::Appoint),
            "Udpeg til en rolle: {role, person, handover?}; en rolle med overdragelse kræver et notat til den nye, når en anden har den.",
            "appoint",
        ),
        command("/api/v1/courses/{id}/decisions", Course(Action::Decide), "Registrér en beslutning: {decision, value, note}.", "decide"),
        command("/api/v1/courses/{id}/fields", Course(Action::RecordField), "Udfyld et felt: {field, value}.", "record_field"),
        command("/api/v1/courses/{id}/handovers/{handover}/read", Course(Action::Read), "Markér overdragelsen som læst (den nye indehaver af rollen).", "read_handover"),
        command("/api/v1/courses/{id}/tasks/{task}", Course(Action::CompleteTask), "Afslut en opgave: {outcome, note}.", "complete_task"),
    ]
}
