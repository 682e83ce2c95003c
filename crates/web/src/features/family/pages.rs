//! The family's own pages, and the invitation staff send from the course.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

use axum::Form;
use axum::http::StatusCode;
use tovholder_app::family::{self, FamilyAction, FamilyCourse, FamilyCourseLine, FamilyView};
use tovholder_app::{family_login, text};
use tovholder_core::commands::FieldError;
use tovholder_core::ids::{CourseId, PersonId};

use crate::App;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::family_session::CurrentFamily;
use crate::http::form::{FormData, get};
use crate::ui::{FormState, Layout, Viewer};

fn layout(app: &App, family: &CurrentFamily) -> Layout {
    Layout { user: Some(family.frame_user()), current: "family", below: false, demo: app.config.demo }
}

#[derive(Template, WebTemplate)]
#[template(path = "family/home.html")]
struct HomePage {
    layout: Layout,
    me: String,
    courses: Vec<FamilyCourseLine>,
}

/// The family member's courses; with only one, that course at once.
pub async fn home(State(app): State<App>, family: CurrentFamily) -> Result<Response, PageError> {
    let courses = family::my_courses(&app, family.person.id).await?;
    if let [only] = courses.as_slice() {
        return Ok(Redirect::to(&format!("/familie/forloeb/{}", only.id)).into_response());
    }
    Ok(HomePage { layout: layout(&app, &family), me: family.person.name.clone(), courses }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "family/course.html")]
struct CoursePage {
    layout: Layout,
    v: FamilyView,
    csrf: String,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(CoursePage, values);

/// The child's own page: short sentences, large text, the next date, who to talk to, "Mine ønsker".
#[derive(Template, WebTemplate)]
#[template(path = "family/child.html")]
struct ChildPage {
    layout: Layout,
    v: FamilyView,
    csrf: String,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(ChildPage, values);

#[derive(serde::Deserialize)]
pub struct Notice {
    #[serde(default)]
    besked: String,
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "tilbagekaldt" => text::FAMILY_REVOKED,
        "underskrevet" => text::FAMILY_SIGNED,
        "forberedelse" => text::FAMILY_PREPARED,
        "oensker" => text::FAMILY_WISHES,
        "besked" => text::FAMILY_MESSAGE_SENT,
        "henvendelse" => text::FAMILY_REQUEST_SENT,
        "akut" => text::FAMILY_ACUTE_SENT,
        "samtykke" => text::FAMILY_CONSENT_GIVEN,
        _ => return None,
    })
}

/// The course page, the child's or the family's; a refused form comes back with its errors and
/// what was typed.
async fn render(app: &App, family: &CurrentFamily, fc: &FamilyCourse, notice: Option<&'static str>, errors: Vec<FieldError>, values: BTreeMap<String, String>) -> Result<Response, AppError> {
    let v = family::view(app, fc).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (layout, csrf) = (layout(app, family), family.csrf.clone());
    Ok(if v.child_page { (status, ChildPage { layout, v, csrf, notice, errors, values }).into_response() } else { (status, CoursePage { layout, v, csrf, notice, errors, values }).into_response() })
}

pub async fn course(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Query(q): Query<Notice>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read").await?;
    Ok(render(&app, &family, &fc, notice_text(&q.besked), vec![], BTreeMap::new()).await?)
}

/// Does the family member's action; on to the page with its notice, or back with the errors.
async fn act(app: &App, family: &CurrentFamily, id: i64, action: FamilyAction, done: &str, form: &FormData) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(app, &family.person, CourseId(id), "write").await?;
    act_on(app, family, &fc, action, done, form).await
}

async fn act_on(app: &App, family: &CurrentFamily, fc: &FamilyCourse, action: FamilyAction, done: &str, form: &FormData) -> Result<Response, PageError> {
    let id = fc.id;
    match family::perform(app, fc, action).await {
        Ok(()) => Ok(Redirect::to(&format!("/familie/forloeb/{id}?besked={done}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(render(app, family, fc, None, errors, form.iter().cloned().collect()).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn plan(State(app): State<App>, family: CurrentFamily, Path((id, doc)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read_plan").await?;
    let pdf = family::plan_pdf(&app, &fc, doc).await?;
    // A neutral file name: the family's name stays out of downloads folders' listings.
    let disposition = format!("attachment; filename=\"familiens-plan-{doc}.pdf\"");
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], pdf).into_response())
}

pub async fn withdraw(State(app): State<App>, family: CurrentFamily, Path((id, consent)): Path<(i64, u32)>) -> Result<Response, PageError> {
    act(&app, &family, id, FamilyAction::Withdraw { consent }, "tilbagekaldt", &vec![]).await
}

/// A new thread to staff of the course: subject, whom (field `participant`, repeated), text.
pub async fn start_thread(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let participants = crate::http::form::all(&form, "participant").filter_map(crate::http::form::person).collect();
    let action = FamilyAction::StartThread { subject: get(&form, "subject").to_string(), participants, text: get(&form, "text").to_string() };
    act(&app, &family, id, action, "besked", &form).await
}

/// A support request to the fixed contact: topic, urgency, text.
pub async fn request(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let urgency = get(&form, "urgency").to_string();
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "write").await?;
    let acute = fc.model.requests.as_ref().and_then(|d| d.urgencies.get(&urgency)).is_some_and(|u| u.acute);
    let action = FamilyAction::Request { topic: get(&form, "topic").to_string(), urgency, text: get(&form, "request_text").to_string() };
    act_on(&app, &family, &fc, action, if acute { "akut" } else { "henvendelse" }, &form).await
}

pub async fn sign(State(app): State<App>, family: CurrentFamily, Path((id, consent)): Path<(i64, u32)>) -> Result<Response, PageError> {
    act(&app, &family, id, FamilyAction::Sign { consent }, "underskrevet", &vec![]).await
}

/// The preparation questions' answers: fields `answer1`, `answer2`, … in the questions' order.
pub async fn prepare(State(app): State<App>, family: CurrentFamily, Path((id, meeting)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let answers = (1..=10).map(|i| get(&form, &format!("answer{i}")).to_string()).collect();
    act(&app, &family, id, FamilyAction::Prepare { meeting, answers }, "forberedelse", &form).await
}

pub async fn wishes(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let action = FamilyAction::Wishes { text: get(&form, "text").to_string(), parents_may_see: get(&form, "parents_may_see") == "ja" };
    act(&app, &family, id, action, "oensker", &form).await
}

#[derive(Template, WebTemplate)]
#[template(path = "family/thread.html")]
struct ThreadPage {
    layout: Layout,
    course: i64,
    csrf: String,
    t: tovholder_app::messages::ThreadView,
    /// Where the thread's files are: `{files}/{message}/fil`.
    files: String,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(ThreadPage, values);

async fn thread_page(app: &App, family: &CurrentFamily, fc: &FamilyCourse, id: u32, errors: Vec<FieldError>, values: BTreeMap<String, String>) -> Result<Response, AppError> {
    let t = family::thread(app, fc, id).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, ThreadPage { layout: layout(app, family), course: fc.id.0, csrf: family.csrf.clone(), files: format!("/familie/forloeb/{}/beskeder/{id}", fc.id), t, errors, values }).into_response())
}

pub async fn thread(State(app): State<App>, family: CurrentFamily, Path((id, thread)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read_thread").await?;
    Ok(thread_page(&app, &family, &fc, thread, vec![], BTreeMap::new()).await?)
}

/// A reply, with a file if one is attached (the same checks as staff's: type, size, virus scan).
pub async fn reply(State(app): State<App>, family: CurrentFamily, Path((id, thread)): Path<(i64, u32)>, mut mp: axum::extract::Multipart) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "write").await?;
    let (form, file, errors) = crate::http::upload::read(&mut mp).await?;
    if !errors.is_empty() {
        return Ok(thread_page(&app, &family, &fc, thread, errors, form.into_iter().collect()).await?);
    }
    let action = FamilyAction::Reply { thread, text: get(&form, "text").to_string(), file: file.map(|f| (f.bytes, f.content_type)) };
    match family::perform(&app, &fc, action).await {
        Ok(()) => Ok(Redirect::to(&format!("/familie/forloeb/{id}/beskeder/{thread}#svar")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(thread_page(&app, &family, &fc, thread, errors, form.into_iter().collect()).await?),
        Err(e) => Err(e.into()),
    }
}

/// A message's file in a thread for the family, always as a download.
pub async fn file(State(app): State<App>, family: CurrentFamily, Path((id, thread, message)): Path<(i64, u32, u32)>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read_file").await?;
    let (bytes, content_type) = family::attachment(&app, &fc, thread, message).await?;
    Ok(crate::features::messages::pages::download(thread, message, bytes, content_type))
}

/// Staff invite a family member; back to the course, which says the invitation went.
pub async fn invite(State(app): State<App>, course: AuthorizedCourse, Path((_, person)): Path<(i64, i64)>) -> Result<Response, PageError> {
    family_login::invite(&app, &course, PersonId(person)).await?;
    Ok(Redirect::to(&format!("/forloeb/{}?gemt=inviteret#personer", course.id)).into_response())
}

/// Staff mark a family member with name and address protection, or remove the mark.
pub async fn protection(State(app): State<App>, course: AuthorizedCourse, Path((_, person)): Path<(i64, i64)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let protected = form.iter().any(|(k, v)| k == "protected" && v == "ja");
    let result = tovholder_app::actions::perform(&app, &course, vec![tovholder_app::actions::Command::SetProtection { person: PersonId(person), protected }]).await;
    let saved = if protected { "beskyttet" } else { "beskyttelse_fjernet" };
    crate::features::courses::pages::outcome(&app, &course, result, form, saved).await
}

/// A parent gives a new consent: the same choices as staff's form, and their digital signature.
#[derive(Template, WebTemplate)]
#[template(path = "family/consent.html")]
struct GiveConsentPage {
    layout: Layout,
    course: CourseId,
    inputs: crate::features::consents::pages::ConsentInputs,
    /// The model asks a youth of 15 to sign too.
    youth_signs: bool,
    csrf: String,
    errors: Vec<FieldError>,
}

crate::ui::form_state!(GiveConsentPage);

async fn consent_page(app: &App, family: &CurrentFamily, fc: &FamilyCourse, submitted: &[(String, String)], errors: Vec<FieldError>) -> Result<Response, AppError> {
    if !tovholder_core::commands::family::may_give(&fc.model, &fc.state, fc.person.id) {
        return Err(AppError::NotFound);
    }
    let mut names = tovholder_app::views::people_of(app.store.as_ref(), &[&fc.state]).await?;
    tovholder_app::views::shield(&mut names, &fc.state, Some(fc.person.id));
    let inputs = crate::features::consents::pages::consent_inputs(app, &fc.model, &fc.state, &names, submitted).await?;
    let youth_signs = fc.model.consent.as_ref().is_some_and(|d| !d.youth_signs_for.is_empty());
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, GiveConsentPage { layout: layout(app, family), course: fc.id, inputs, youth_signs, csrf: family.csrf.clone(), errors }).into_response())
}

pub async fn new_consent(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read").await?;
    Ok(consent_page(&app, &family, &fc, &[], vec![]).await?)
}

pub async fn give_consent(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "write").await?;
    let result = match crate::features::consents::pages::parse_consent(&form) {
        Ok(input) => family::perform(&app, &fc, FamilyAction::Give(input)).await.map_err(crate::features::consents::pages::prefixed),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/familie/forloeb/{id}?besked=samtykke#samtykker")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(consent_page(&app, &family, &fc, &form, errors).await?),
        Err(e) => Err(e.into()),
    }
}

/// A document its author shows the family, always as a download with a neutral name.
pub async fn document(State(app): State<App>, family: CurrentFamily, Path((id, doc)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read_document").await?;
    let (bytes, content_type) = family::document(&app, &fc, doc).await?;
    let disposition = format!("attachment; filename=\"tovholder-dokument-{doc}.{}\"", crate::http::upload::extension(&content_type));
    Ok(([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// A coordinator adds a family member after the course was opened.
pub async fn add_member(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let op = tovholder_app::actions::Command::AddFamilyMember {
        role: get(&form, "role").to_string(),
        name: get(&form, "name").to_string(),
        email: Some(get(&form, "email").to_string()),
        cpr: Some(get(&form, "cpr").to_string()),
        custody: Some(get(&form, "custody") == "ja"),
        why: get(&form, "why").to_string(),
    };
    let result = tovholder_app::actions::perform(&app, &course, vec![op]).await.map_err(crate::features::courses::pages::prefix_errors("family.new."));
    crate::features::courses::pages::outcome(&app, &course, result, form, "familie_rettet").await
}

/// A coordinator corrects a family member: what is typed replaces theirs, an empty CPR field
/// leaves the number as it is.
pub async fn correct_member(State(app): State<App>, course: AuthorizedCourse, Path((_, person)): Path<(i64, i64)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let op = tovholder_app::actions::Command::CorrectFamilyMember {
        person: PersonId(person),
        name: Some(get(&form, "name").to_string()),
        email: Some(get(&form, "email").to_string()),
        cpr: Some(get(&form, "cpr").to_string()),
        custody: Some(get(&form, "custody") == "ja"),
        why: get(&form, "why").to_string(),
    };
    let result = tovholder_app::actions::perform(&app, &course, vec![op]).await.map_err(|e| per_member(e, person));
    crate::features::courses::pages::outcome(&app, &course, result, form, "familie_rettet").await
}

/// A refusal's fields as the member's own form names them ("family.12.why").
fn per_member(e: AppError, person: i64) -> AppError {
    match e {
        AppError::Invalid(errors) => AppError::Invalid(errors.into_iter().map(|f| FieldError { field: format!("family.{person}.{}", f.field), ..f }).collect()),
        other => other,
    }
}

/// A coordinator takes a family member out of the course.
pub async fn remove_member(State(app): State<App>, course: AuthorizedCourse, Path((_, person)): Path<(i64, i64)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let op = tovholder_app::actions::Command::RemoveFamilyMember { person: PersonId(person), role: get(&form, "role").to_string(), why: get(&form, "why").to_string() };
    let result = tovholder_app::actions::perform(&app, &course, vec![op]).await.map_err(|e| per_member(e, person));
    crate::features::courses::pages::outcome(&app, &course, result, form, "familie_rettet").await
}
