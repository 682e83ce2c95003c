//! "Aktiviteter" (`tovholder_app::activities`): supervision, courses and network groups an
//! organisation plans for the foster families it supports, and the yearly network meeting for
//! the municipalities it works with. The organiser plans, edits the computed invitation list,
//! sends the invitations (iCalendar per session), records attendance and cancels; the invited
//! sign up or decline; everyone shares notes that name no child. Foster parents answer on the
//! family's pages.

pub mod api;
pub mod pages;

use axum::routing::{delete, get, post, put};

use crate::http::route::Guard::{Family, User};
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("GET", "/aktiviteter", User, "Aktiviteter: dem, organisationen har planlagt, og dem, man er inviteret til; og formularen til en ny.", get(pages::list)),
        r("POST", "/aktiviteter", User, "Planlæg en aktivitet: slags, titel, sted, pladser og datoer; invitationslisten beregnes efter modellen.", post(pages::plan)),
        r("GET", "/aktiviteter/{activity}", User, "En aktivitet: datoer, pladser, invitationslisten med svar (arrangøren), fremmøde og fælles noter.", get(pages::show)),
        r("POST", "/aktiviteter/{activity}/ret", User, "Ret titel, sted, pladser eller datoer, før aktiviteten begynder; de inviterede får de rettede kalenderinvitationer.", post(pages::change)),
        r("POST", "/aktiviteter/{activity}/inviterede", User, "Sæt en person på invitationslisten efter e-mailadresse.", post(pages::add_invitee)),
        r("POST", "/aktiviteter/{activity}/inviterede/{person}/fjern", User, "Tag en person af invitationslisten.", post(pages::remove_invitee)),
        r("POST", "/aktiviteter/{activity}/inviter", User, "Send invitationerne (en kalenderinvitation pr. dato) til dem, der ikke har fået dem.", post(pages::send)),
        r("POST", "/aktiviteter/{activity}/svar", User, "Tilmeld dig (svar=ja) eller meld fra (svar=nej).", post(pages::answer)),
        r("POST", "/aktiviteter/{activity}/gange/{n}/fremmoede", User, "Registrér, hvem der kom til en af datoerne.", post(pages::attendance)),
        r("POST", "/aktiviteter/{activity}/noter", User, "Skriv en fælles note (den må ikke nævne et barn).", post(pages::note)),
        r("POST", "/aktiviteter/{activity}/referat", User, "Skriv eller ret referatet (arrangøren); det må ikke nævne et barn.", post(pages::summary)),
        r("POST", "/aktiviteter/{activity}/aflys", User, "Aflys aktiviteten; de inviterede får en aflysning til kalenderen.", post(pages::cancel)),
        r(
            "GET",
            "/familie/aktiviteter/{activity}",
            Family,
            "En aktivitet, man er inviteret til, set fra familiens sider: datoer, sted, pladser, ens svar og de fælles noter.",
            get(pages::family_show),
        ),
        r("POST", "/familie/aktiviteter/{activity}/svar", Family, "Tilmeld dig (svar=ja) eller meld fra (svar=nej).", post(pages::family_answer)),
        r("POST", "/familie/aktiviteter/{activity}/noter", Family, "Skriv en fælles note (den må ikke nævne et barn).", post(pages::family_note)),
        r("GET", "/api/v1/activities", User, "Aktiviteter: organisationens egne, dem man er inviteret til, og hvilke slags organisationen kan planlægge.", get(api::list))
            .returns::<tovholder_app::activities::Activities>(),
        r("POST", "/api/v1/activities", User, "Planlæg en aktivitet: {kind (\"model:slags\"), title, place, capacity, sessions: [{start, minutes}]}; svarer 201 med id.", post(api::plan))
            .answers(&[201])
            .body::<api::PlanBody>()
            .returns::<crate::http::json::Created>(),
        r("GET", "/api/v1/activities/{activity}", User, "En aktivitet som den, der spørger, må se den.", get(api::show)).returns::<tovholder_app::activities::ActivityView>(),
        r("PUT", "/api/v1/activities/{activity}", User, "Ret aktiviteten, før den begynder: {title, place, capacity, sessions: [{start, minutes}]}; svarer 204.", put(api::change))
            .answers(&[204])
            .body::<api::ChangeBody>(),
        r("POST", "/api/v1/activities/{activity}/invitees", User, "Sæt en person på listen: {email}; svarer 204.", post(api::add_invitee)).answers(&[204]).body::<api::EmailBody>(),
        r("DELETE", "/api/v1/activities/{activity}/invitees/{person}", User, "Tag en person af listen; svarer 204.", delete(api::remove_invitee)).answers(&[204]).no_body(),
        r("POST", "/api/v1/activities/{activity}/invitations", User, "Send invitationerne til dem, der ikke har fået dem; svarer med antallet.", post(api::send)).no_body().returns::<api::Sent>(),
        r("POST", "/api/v1/activities/{activity}/answer", User, "Tilmeld (yes=true) eller meld fra (yes=false); svarer 204, 422 når der ikke er flere pladser.", post(api::answer))
            .answers(&[204])
            .body::<api::AnswerBody>(),
        r("POST", "/api/v1/activities/{activity}/sessions/{n}/attendance", User, "Hvem kom: {present: [person]}; svarer 204.", post(api::attendance)).answers(&[204]).body::<api::AttendanceBody>(),
        r("POST", "/api/v1/activities/{activity}/notes", User, "En fælles note: {text}; svarer 204, 422 når den nævner et barn.", post(api::note)).answers(&[204]).body::<api::NoteBody>(),
        r("POST", "/api/v1/activities/{activity}/summary", User, "Referatet: {text}; svarer 204, 422 når det nævner et barn.", post(api::summary)).answers(&[204]).body::<api::NoteBody>(),
        r("POST", "/api/v1/activities/{activity}/cancel", User, "Aflys aktiviteten; svarer 204.", post(api::cancel)).answers(&[204]).no_body(),
    ]
}
