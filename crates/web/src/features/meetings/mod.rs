//! Meetings: phases, meetings with their invitations, checklist and minutes, and agreements.

pub mod api;
pub mod pages;

use axum::routing::{get, post};
use tovholder_core::model::Action;

use crate::http::command::command;
use crate::http::route::Guard::Course;
use crate::http::route::{Route, r};

/// This feature's rows of the route table.
pub fn routes() -> Vec<Route> {
    vec![
        r("POST", "/forloeb/{id}/fase", Course(Action::SetPhase), "Skift forløbets fase.", post(pages::set_phase)),
        r("GET", "/forloeb/{id}/moeder/ny", Course(Action::PlanMeeting), "Formularen til at planlægge et møde.", get(pages::new_meeting)),
        r("POST", "/forloeb/{id}/moeder", Course(Action::PlanMeeting), "Planlæg et møde, eller ændr et planlagt møde.", post(pages::plan_meeting)),
        r("GET", "/forloeb/{id}/moeder/{meeting}", Course(Action::Read), "Et møde: dagsorden, deltagere, tjekliste, referat og aftaler.", get(pages::show_meeting)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/invitationer", Course(Action::PlanMeeting), "Send invitationer med kalenderinvitation (uden personoplysninger).", post(pages::send_invitations)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/afbud", Course(Action::PlanMeeting), "Registrér et afbud og en eventuel afløser.", post(pages::apology)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/tjekliste", Course(Action::PlanMeeting), "Afkryds et trin på tjeklisten (dato og hvem).", post(pages::checklist)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/referat", Course(Action::PlanMeeting), "Skriv referatet.", post(pages::minutes)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/referat/familie", Course(Action::PlanMeeting), "Vis referatet på familiens sider (shared=ja), eller skjul det igen (nej); kun den, der skrev det.", post(pages::share_minutes)),
        r("POST", "/forloeb/{id}/moeder/{meeting}/aflys", Course(Action::PlanMeeting), "Aflys mødet (deltagerne får en aflysning til kalenderen).", post(pages::cancel)),
        r("POST", "/forloeb/{id}/aftaler", Course(Action::PlanMeeting), "Registrér en aftale: hvad, hvem, hvornår.", post(pages::agreement)),
        r("POST", "/forloeb/{id}/aftaler/{agreement}", Course(Action::Read), "Markér en aftale som overholdt eller droppet (koordinatoren eller den ansvarlige).", post(pages::close_agreement)),
        r("GET", "/api/v1/courses/{id}/meetings/{meeting}", Course(Action::Read), "Et møde: dagsorden med tidsrammer, deltagere og roller, tjekliste, referat og aftaler.", get(api::meeting)).returns::<tovholder_app::meeting_views::MeetingView>(),
        command("/api/v1/courses/{id}/phase", Course(Action::SetPhase), "Skift forløbets fase: {phase, on}.", "set_phase"),
        command("/api/v1/courses/{id}/meetings", Course(Action::PlanMeeting), "Planlæg et møde, eller ændr et planlagt: {meeting?, kind, start, minutes, place, attendees, agenda?}.", "plan_meeting"),
        command("/api/v1/courses/{id}/meetings/{meeting}/invitations", Course(Action::PlanMeeting), "Send invitationerne med kalenderinvitation (uden personoplysninger).", "send_invitations"),
        command("/api/v1/courses/{id}/meetings/{meeting}/apologies", Course(Action::PlanMeeting), "Registrér et afbud og en eventuel afløser: {who, substitute}.", "record_apology"),
        command("/api/v1/courses/{id}/meetings/{meeting}/minutes", Course(Action::PlanMeeting), "Skriv referatet: {minutes}.", "record_minutes"),
        command("/api/v1/courses/{id}/meetings/{meeting}/checklist", Course(Action::PlanMeeting), "Afkryds et trin på tjeklisten: {step, on}.", "tick_checklist"),
        command("/api/v1/courses/{id}/meetings/{meeting}/cancel", Course(Action::PlanMeeting), "Aflys mødet (deltagerne får en aflysning til kalenderen): {note?}.", "cancel_meeting"),
        command("/api/v1/courses/{id}/agreements", Course(Action::PlanMeeting), "Registrér en aftale: {meeting?, what, responsible, due}.", "make_agreement"),
        // Also the one responsible for the agreement, whom core names: the row asks for reading.
        command("/api/v1/courses/{id}/agreements/{agreement}/close", Course(Action::Read), "Markér en aftale som overholdt eller droppet: {done, note?}.", "close_agreement"),
        // The earlier single route for all of them, kept for clients that use it.
        r(
            "POST",
            "/api/v1/courses/{id}/meeting-actions",
            Course(Action::Read),
            "Møder, netværk, aftaler, mål og familieplan: {action: plan_meeting|send_invitations|record_apology|record_minutes|share_minutes|tick_checklist|cancel_meeting|set_network|make_agreement|close_agreement|set_goal|measure|set_intervention|record_status|issue_plan|send_plan|set_phase, ...}; hver handling kræver sin egen ret.",
            post(api::meeting_action),
        ).commands_body(tovholder_app::actions::MEETING_COMMANDS).returns::<tovholder_app::views::CourseView>(),
    ]
}
