//! The JSON API under `/api/v1`: the same reads and actions as the pages, through the same
//! extractor and command layer. Writes need the session's CSRF token in `X-CSRF-Token`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Serialize;
use tovholder_core::commands::FieldError;
use tovholder_core::ids::{CourseId, PersonId};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::course_access::{self, AuthorizedCourse, Read};
use crate::http::error::{ApiError, AppError};
use crate::http::path::Path;
use tovholder_app::actions::{self, Command, RegistrationInput};
use tovholder_app::views::{self, CourseView, JournalView, TaskView};

#[derive(Serialize)]
pub struct Me {
    pub person: tovholder_core::ids::PersonId,
    pub name: String,
    pub org: tovholder_core::ids::OrgId,
    pub org_roles: Vec<String>,
    /// The token to send in `X-CSRF-Token` on writes.
    pub csrf: String,
}

pub async fn me(user: CurrentUser) -> Json<Me> {
    let u = user.user.clone();
    Json(Me { person: u.person, name: u.name, org: u.org, org_roles: u.org_roles, csrf: user.csrf })
}

pub async fn my_tasks(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<TaskView>>, ApiError> {
    Ok(Json(tovholder_app::queries::my_tasks(&app, &user, "list:GET /api/v1/me/tasks").await?))
}

pub async fn course(State(app): State<App>, course: AuthorizedCourse<Read>) -> Result<Json<CourseView>, ApiError> {
    Ok(Json(views::course_view(&app, &course.model, course.id, course.version, &course.state, &course.user.actor()).await?))
}

pub async fn journal(State(app): State<App>, course: AuthorizedCourse<Read>) -> Result<Json<Vec<JournalView>>, ApiError> {
    // Consent opens the course's dates, tasks and people, not its journal.
    if course.via_consent() {
        return Err(AppError::NotFound.into());
    }
    let entries = app.store.journal(course.id).await?;
    let described = std::sync::Arc::new(views::journal_view(app.store.as_ref(), &course.model, &entries).await?);
    let readable = views::journal_for(&course.model, &course.state, &course.user.actor(), app.clock.today(), described);
    Ok(Json(readable.to_vec()))
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

/// A JSON body whose rejection is a problem document, not axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == StatusCode::BAD_REQUEST => Err(ApiError(AppError::Malformed(e.body_text()))),
            Err(e) => Err(ApiError(AppError::Invalid(vec![FieldError { field: "body".into(), message: e.body_text() }]))),
        }
    }
}

#[derive(Serialize)]
pub struct Created {
    pub id: CourseId,
}

pub async fn open_course(State(app): State<App>, user: CurrentUser, ApiJson(input): ApiJson<RegistrationInput>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let model = app.models.get(&input.model).ok_or(AppError::Invalid(vec![FieldError { field: "model".into(), message: "Ukendt samarbejdsmodel.".into() }]))?;
    let mut input = input;
    // The opening party is always the caller's own organisation.
    input.parties.insert(model.opened_by.clone(), user.user.org);
    let reg = input.check(&model)?;
    let id = actions::open_course(&app, &user, reg).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Answers a write with the course as it is now.
async fn after<A>(app: &App, course: &AuthorizedCourse<A>) -> Result<Json<CourseView>, ApiError> {
    let c = app.store.course(course.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(views::course_view(app, &course.model, c.id, c.version, &c.state, &course.user.actor()).await?))
}

#[derive(serde::Deserialize)]
pub struct DatesBody {
    pub dates: BTreeMap<String, Date>,
    #[serde(default)]
    pub reason: Option<String>,
}

pub async fn set_dates(State(app): State<App>, course: AuthorizedCourse<course_access::SetDates>, ApiJson(b): ApiJson<DatesBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::SetDates { dates: b.dates, reason: b.reason }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct AppointBody {
    pub role: String,
    pub person: PersonId,
}

pub async fn appoint(State(app): State<App>, course: AuthorizedCourse<course_access::Appoint>, ApiJson(b): ApiJson<AppointBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::Appoint { role: b.role, person: b.person }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct DecideBody {
    pub decision: String,
    pub value: String,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn decide(State(app): State<App>, course: AuthorizedCourse<course_access::Decide>, ApiJson(b): ApiJson<DecideBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::Decide { decision: b.decision, value: b.value, note: b.note }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct FieldBody {
    pub field: String,
    pub value: String,
}

pub async fn record_field(State(app): State<App>, course: AuthorizedCourse<course_access::RecordField>, ApiJson(b): ApiJson<FieldBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::RecordField { field: b.field, value: b.value }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct CompleteBody {
    pub outcome: String,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn complete_task(
    State(app): State<App>,
    course: AuthorizedCourse<course_access::CompleteTask>,
    Path((_, task)): Path<(i64, String)>,
    ApiJson(b): ApiJson<CompleteBody>,
) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::CompleteTask { task, outcome: b.outcome, note: b.note }]).await?;
    after(&app, &course).await
}

/// Organisations (for choosing a course's parties); names and kinds only.
pub async fn organisations(State(app): State<App>, _user: CurrentUser) -> Result<Json<Vec<tovholder_store::Org>>, ApiError> {
    Ok(Json(app.store.orgs().await?.to_vec()))
}

/// The user's organisation's meeting places.
pub async fn meeting_places(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<tovholder_store::MeetingPlace>>, ApiError> {
    Ok(Json(app.store.meeting_places(user.user.org).await?))
}

pub async fn add_meeting_place(State(app): State<App>, user: CurrentUser, ApiJson(b): ApiJson<crate::pages::places::PlaceForm>) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let (name, address) = b.check()?;
    let id = app.store.add_meeting_place(user.user.org, &name, &address).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": id}))))
}

#[derive(serde::Deserialize)]
pub struct ChangeBody {
    pub kind: String,
    pub dates: BTreeMap<String, Date>,
    pub reason: String,
}

pub async fn propose_change(State(app): State<App>, course: AuthorizedCourse<course_access::ProposeChange>, ApiJson(b): ApiJson<ChangeBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::ProposeChange { kind: b.kind, dates: b.dates, reason: b.reason }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct AnswerBody {
    pub party: String,
    pub agreed: bool,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn answer_change(
    State(app): State<App>,
    course: AuthorizedCourse<course_access::AnswerChange>,
    Path((_, change)): Path<(i64, u32)>,
    ApiJson(b): ApiJson<AnswerBody>,
) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::AnswerChange { change, party: b.party, agreed: b.agreed, note: b.note }]).await?;
    after(&app, &course).await
}

/// A text document written through the API (files are uploaded through the page's form).
#[derive(serde::Deserialize)]
pub struct DocumentBody {
    pub kind: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub to: Vec<PersonId>,
}

pub async fn add_document(State(app): State<App>, course: AuthorizedCourse<course_access::AddDocument>, ApiJson(b): ApiJson<DocumentBody>) -> Result<Json<CourseView>, ApiError> {
    let mut ops = vec![Command::AddDocument { kind: b.kind, title: b.title, content: b.text.into_bytes(), content_type: "text/plain; charset=utf-8".into(), filename: None }];
    if !b.to.is_empty() {
        ops.push(Command::SendDocument { doc: 0, to: b.to });
    }
    actions::perform(&app, &course, ops).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct SendBody {
    pub to: Vec<PersonId>,
}

pub async fn send_document(
    State(app): State<App>,
    course: AuthorizedCourse<course_access::SendDocument>,
    Path((_, doc)): Path<(i64, u32)>,
    ApiJson(b): ApiJson<SendBody>,
) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::SendDocument { doc, to: b.to }]).await?;
    after(&app, &course).await
}

#[derive(Serialize)]
pub struct DocumentContent {
    pub doc: u32,
    pub title: String,
    pub content_type: String,
    /// The text of a written document; files are fetched from the page route.
    pub text: Option<String>,
}

pub async fn document(State(app): State<App>, course: AuthorizedCourse<Read>, Path((_, doc)): Path<(i64, u32)>) -> Result<Json<DocumentContent>, ApiError> {
    let d = crate::pages::documents::readable(&app, &course, doc).await?;
    let bytes = app.store.blob(course.id, &d.meta.sha256).await?.ok_or(AppError::NotFound)?;
    actions::note_reading(&app, &course, doc).await?;
    let text = d.meta.content_type.starts_with("text/plain").then(|| String::from_utf8_lossy(&bytes).into_owned());
    Ok(Json(DocumentContent { doc, title: d.meta.title, content_type: d.meta.content_type, text }))
}

/// Who a document may be sent or forwarded to by the caller now.
pub async fn document_recipients(State(app): State<App>, course: AuthorizedCourse<Read>, Path((_, doc)): Path<(i64, u32)>) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    crate::pages::documents::readable(&app, &course, doc).await?;
    let list = actions::recipients(&app, &course.model, &course.state, &course.user.actor(), doc).await?;
    Ok(Json(list.into_iter().map(|(r, label)| serde_json::json!({"person": r.person, "role": r.role, "label": label})).collect()))
}

#[derive(serde::Deserialize)]
pub struct ConsentBody {
    pub giver: PersonId,
    pub about: Vec<PersonId>,
    pub recipients: Vec<tovholder_core::consent::Recipient>,
    pub kinds: Vec<String>,
    pub purpose: String,
    pub valid_from: Date,
    pub valid_to: Date,
}

pub async fn record_consent(State(app): State<App>, course: AuthorizedCourse<course_access::RecordConsent>, ApiJson(b): ApiJson<ConsentBody>) -> Result<Json<CourseView>, ApiError> {
    let op = Command::RecordConsent { giver: b.giver, about: b.about, recipients: b.recipients, kinds: b.kinds, purpose: b.purpose, valid_from: b.valid_from, valid_to: b.valid_to };
    actions::perform(&app, &course, vec![op]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct SignBody {
    pub by: PersonId,
    pub how: String,
    pub on: Date,
}

pub async fn sign_consent(
    State(app): State<App>,
    course: AuthorizedCourse<course_access::RecordConsent>,
    Path((_, consent)): Path<(i64, u32)>,
    ApiJson(b): ApiJson<SignBody>,
) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::SignConsent { consent, by: b.by, how: b.how, on: b.on }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct RevokeBody {
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn revoke_consent(
    State(app): State<App>,
    course: AuthorizedCourse<course_access::RecordConsent>,
    Path((_, consent)): Path<(i64, u32)>,
    ApiJson(b): ApiJson<RevokeBody>,
) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::RevokeConsent { consent, note: b.note }]).await?;
    after(&app, &course).await
}

pub async fn shared(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<tovholder_app::queries::SharedCourse>>, ApiError> {
    Ok(Json(tovholder_app::queries::shared_with_me(&app, &user, "list:GET /api/v1/shared").await?))
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    /// Course id: the page of courses older than it (the `older` of the previous page).
    before: Option<i64>,
}

pub async fn courses(State(app): State<App>, user: CurrentUser, axum::extract::Query(q): axum::extract::Query<ListQuery>) -> Result<Json<tovholder_app::queries::CourseList>, ApiError> {
    Ok(Json(tovholder_app::queries::course_list(&app, &user, None, q.before.map(tovholder_core::ids::CourseId), "list:GET /api/v1/courses").await?))
}

pub async fn meeting(State(app): State<App>, course: AuthorizedCourse<Read>, Path((_, meeting)): Path<(i64, u32)>) -> Result<Json<tovholder_app::meeting_views::MeetingView>, ApiError> {
    let Some(m) = course.state.meeting(meeting) else { return Err(AppError::NotFound.into()) };
    let (people, orgs) = tovholder_app::meeting_actions::names_data(&app, &course.state).await?;
    let names = tovholder_app::meeting_views::Names { model: &course.model, state: &course.state, people: &people, orgs: &orgs };
    let actor = course.user.actor();
    let today = app.clock.today();
    let may_plan = tovholder_core::commands::allowed(&course.model, &course.state, &actor, today).plan_meeting;
    let agreements = tovholder_app::meeting_views::agreements(&names, actor.person, may_plan, today);
    Ok(Json(tovholder_app::meeting_views::meeting_view(&names, m, &agreements, course.via_consent())))
}

/// One operation on meetings, the network, agreements, goals or the plan. The route needs read
/// access; the command asks the policy for the operation's own action.
pub async fn meeting_action(State(app): State<App>, course: AuthorizedCourse<Read>, ApiJson(op): ApiJson<Command>) -> Result<Json<CourseView>, ApiError> {
    if !op.is_meeting() {
        return Err(AppError::Malformed(format!("«{}» er ikke en handling på møder, netværk, aftaler, mål eller familieplan.", op.name())).into());
    }
    actions::perform(&app, &course, vec![op]).await?;
    after(&app, &course).await
}
