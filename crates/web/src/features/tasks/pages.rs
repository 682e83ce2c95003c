//! Mine opgaver: the user's open and overdue tasks in all their courses.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tovholder_app::views::{self, TaskView};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::PageError;
use crate::ui::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "tasks/tasks.html")]
struct TasksPage {
    layout: Layout,
    tasks: Vec<TaskView>,
    today_da: String,
    /// The models whose courses this user may open (for the "new course" button).
    can_open: bool,
}

pub async fn my_tasks(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let tasks = tovholder_app::queries::my_tasks(&app, &user, "list:GET /").await?;
    let layout = Layout::for_user(&app, &user, "tasks").await?;
    let actor = user.actor();
    let can_open = app.models.all().iter().any(|m| tovholder_core::policy::may_open(m, &actor).allowed);
    Ok(TasksPage { layout, tasks, today_da: views::date_da(app.clock.today()), can_open }.into_response())
}
