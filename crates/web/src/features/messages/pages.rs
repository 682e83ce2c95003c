//! The course's messages as pages: the threads one is in with a form to start one, and a
//! thread with its messages, read receipts and a reply.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tovholder_app::actions::Command;
use tovholder_app::messages::{self, Choice, InboxLine, ThreadLine, ThreadView};
use tovholder_app::views;
use tovholder_core::commands::FieldError;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, all, get, person, submit};
use crate::http::path::Path;
use crate::http::upload;
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "messages/list.html")]
struct ListPage {
    layout: Layout,
    course: i64,
    title: String,
    csrf: String,
    threads: Vec<ThreadLine>,
    choices: Vec<Choice>,
    /// The viewer may write in threads (a reader by consent only while it covers messages).
    may_write: bool,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
    /// The people ticked in a refused form.
    ticked: Vec<String>,
}

crate::ui::form_state!(ListPage, values);

impl ListPage {
    fn is_ticked(&self, person: &tovholder_core::ids::PersonId) -> bool {
        self.ticked.contains(&person.to_string())
    }
}

async fn list_page(app: &App, course: &AuthorizedCourse, errors: Vec<FieldError>, values: BTreeMap<String, String>, ticked: Vec<String>) -> Result<Response, AppError> {
    let may_write = tovholder_core::commands::messages::may_message(&course.model, &course.state, &course.actor(), app.clock.today()).allowed;
    let people = views::people_of(app.store.as_ref(), &[&course.state]).await?;
    let page = ListPage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id.0,
        title: views::course_title(&course.model, &course.state, &people),
        csrf: course.user.csrf.clone(),
        threads: messages::lines(app, &messages::visible(app, course), course.user.person, &[]).await?,
        choices: if may_write { messages::choices(app, course).await? } else { vec![] },
        may_write,
        errors,
        values,
        ticked,
    };
    Ok(page.into_response())
}

pub async fn list(State(app): State<App>, course: AuthorizedCourse) -> Result<Response, PageError> {
    Ok(list_page(&app, &course, vec![], BTreeMap::new(), vec![]).await?)
}

/// Starts a thread: subject, the people ticked, for the family or not, the first message.
pub async fn start(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let participants = all(&form, "participant").filter_map(person).collect();
    let op = Command::StartThread { subject: get(&form, "subject").into(), family: get(&form, "family") == "ja", participants, text: get(&form, "text").into() };
    let next = course.state.threads.iter().map(|t| t.id).max().unwrap_or(0) + 1;
    let ticked: Vec<String> = all(&form, "participant").map(str::to_string).collect();
    submit(&app, &course, Ok(vec![op]), form, format!("/forloeb/{}/beskeder/{next}", course.id), async |c, values, errors| list_page(&app, c, errors, values.clone(), ticked).await).await
}

#[derive(Template, WebTemplate)]
#[template(path = "messages/thread.html")]
struct ThreadPage {
    layout: Layout,
    course: i64,
    title: String,
    csrf: String,
    t: ThreadView,
    /// Where the thread's files are: `{files}/{message}/fil`.
    files: String,
    may_write: bool,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(ThreadPage, values);

async fn thread_page(app: &App, course: &AuthorizedCourse, id: u32, errors: Vec<FieldError>, values: BTreeMap<String, String>) -> Result<Response, AppError> {
    let t = messages::thread(app, course, id)?;
    let view = messages::view(app, t, &[]).await?;
    tovholder_app::actions::mark_read(app, course.id, &course.model, course.version, course.state.clone(), course.user.person, id).await?;
    let people = views::people_of(app.store.as_ref(), &[&course.state]).await?;
    let page = ThreadPage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id.0,
        title: views::course_title(&course.model, &course.state, &people),
        csrf: course.user.csrf.clone(),
        t: view,
        files: format!("/forloeb/{}/beskeder/{id}", course.id),
        may_write: true,
        errors,
        values,
    };
    Ok(page.into_response())
}

pub async fn show(State(app): State<App>, course: AuthorizedCourse, Path((_, id)): Path<(i64, u32)>) -> Result<Response, PageError> {
    Ok(thread_page(&app, &course, id, vec![], BTreeMap::new()).await?)
}

/// A reply, with a file if one is attached (checked as documents are).
pub async fn reply(State(app): State<App>, course: AuthorizedCourse, Path((_, id)): Path<(i64, u32)>, mut mp: Multipart) -> Result<Response, PageError> {
    let (form, file, errors) = upload::read(&mut mp).await?;
    let op = Command::PostMessage { thread: id, text: get(&form, "text").into(), file: file.map(|f| (f.bytes, f.content_type)) };
    let ops = if errors.is_empty() { Ok(vec![op]) } else { Err(errors) };
    submit(&app, &course, ops, form, format!("/forloeb/{}/beskeder/{id}#svar", course.id), async |c, values, errors| thread_page(&app, c, id, errors, values.clone()).await).await
}

/// A message's file, always as a download under a neutral name: never shown in the browser.
pub async fn file(State(app): State<App>, course: AuthorizedCourse, Path((_, id, message)): Path<(i64, u32, u32)>) -> Result<Response, PageError> {
    let t = messages::thread(&app, &course, id)?;
    let (bytes, content_type) = messages::attachment(&app, course.id, t, message).await?;
    Ok(download(id, message, bytes, content_type))
}

/// A file as a download: `Content-Disposition: attachment` with a name of its own, never the
/// uploaded one (it may carry a name, a CPR number or markup).
pub fn download(thread: u32, message: u32, bytes: Vec<u8>, content_type: String) -> Response {
    let disposition = format!("attachment; filename=\"tovholder-besked-{thread}-{message}.{}\"", upload::extension(&content_type));
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "messages/inbox.html")]
struct InboxPage {
    layout: Layout,
    lines: Vec<InboxLine>,
}

/// "Mine beskeder": every thread one is in, across courses.
pub async fn inbox(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let lines = messages::inbox(&app, &user).await?;
    Ok(InboxPage { layout: Layout::for_user(&app, &user, "messages").await?, lines }.into_response())
}
