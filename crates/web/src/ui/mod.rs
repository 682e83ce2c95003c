//! The page frame every HTML page shares: the layout (the user, the menu, the section a page
//! is in), refused forms that keep what was typed, the error and notice pages, and the static
//! assets.

pub mod assets;

use askama::Template;
use askama_web::WebTemplate;
use tovholder_core::tasks::Status;

use crate::App;
use tovholder_app::AppError;
use tovholder_app::course::Course;

/// A page that can come back with a refused form: the errors next to their fields, and what
/// was typed, so nothing is lost.
pub trait FormState {
    fn errors(&self) -> &[tovholder_core::commands::FieldError];
    fn submitted(&self) -> Option<&std::collections::BTreeMap<String, String>> {
        None
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors().iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
    fn value(&self, key: &str) -> &str {
        self.submitted().and_then(|s| s.get(key)).map_or("", String::as_str)
    }
}

/// Implements `FormState` for a page from its `errors` field and, if given, its field of
/// submitted values.
macro_rules! form_state {
    ($page:ty) => {
        impl $crate::ui::FormState for $page {
            fn errors(&self) -> &[tovholder_core::commands::FieldError] {
                &self.errors
            }
        }
    };
    ($page:ty, $values:ident) => {
        impl $crate::ui::FormState for $page {
            fn errors(&self) -> &[tovholder_core::commands::FieldError] {
                &self.errors
            }
            fn submitted(&self) -> Option<&std::collections::BTreeMap<String, String>> {
                Some(&self.$values)
            }
        }
    };
}
pub(crate) use form_state;

#[derive(Clone)]
pub struct LayoutUser {
    pub name: String,
    pub org: String,
    pub csrf: String,
    /// Administers an organisation or the instance: the menu shows "Administration".
    pub admin: bool,
    /// A family member on the family's pages: their own menu and logout.
    pub family: bool,
}

/// Whoever a page is shown to, as its frame names them (the web layer's logged-in user).
pub trait Viewer {
    fn frame_user(&self) -> LayoutUser;
}

/// What an error page needs of its request: the user's frame and where the user came from.
pub struct RequestFrame {
    pub user: Option<LayoutUser>,
    pub demo: bool,
    pub path: String,
}

tokio::task_local! {
    /// The request's frame, set by the session middleware, so error pages keep the user's
    /// navigation and can offer the way back.
    pub static FRAME: RequestFrame;
}

/// What every page's frame needs: the user (if logged in) and which menu item is current.
pub struct Layout {
    pub user: Option<LayoutUser>,
    /// The menu item whose section this page is in.
    pub current: &'static str,
    /// The page is below its menu item (a course, a meeting), not the item's own page.
    pub below: bool,
    pub demo: bool,
}

impl Layout {
    pub fn anonymous() -> Layout {
        Layout { user: None, current: "", below: false, demo: false }
    }

    pub async fn for_user(app: &App, user: &impl Viewer, current: &'static str) -> Result<Layout, AppError> {
        Ok(Layout { user: Some(user.frame_user()), current, below: false, demo: app.config.demo })
    }

    /// The frame of a page inside a course: under "Forløb", or under "Delt med mig" for a
    /// course seen by the family's consent.
    pub fn for_course(app: &App, course: &Course, user: &impl Viewer) -> Layout {
        let current = if course.via_consent() { "shared" } else { "courses" };
        Layout { user: Some(user.frame_user()), current, below: true, demo: app.config.demo }
    }

    /// The frame for an error page: the user of the current request, if logged in.
    pub fn for_error() -> Layout {
        let user = FRAME.try_with(|f| f.user.clone()).ok().flatten();
        let demo = FRAME.try_with(|f| f.demo).unwrap_or(false);
        Layout { user, current: "", below: false, demo }
    }

    pub fn asset(&self, path: &str) -> String {
        crate::ui::assets::url(path)
    }

    pub fn icons(&self) -> String {
        crate::ui::assets::url(crate::ui::assets::ICON_SPRITE)
    }

    /// Menu items: (href, label, key).
    pub fn nav(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        if self.is_family() {
            return vec![("/familie", "Familiens side", "family")];
        }
        let mut items = vec![
            ("/", "Mine opgaver", "tasks"),
            ("/beskeder", "Beskeder", "messages"),
            ("/forloeb", "Forløb", "courses"),
            ("/delt", "Delt med mig", "shared"),
            ("/moedesteder", "Mødesteder", "places"),
            ("/beredskab", "Beredskab", "duty"),
            ("/aflastning", "Aflastning", "respite"),
            ("/aktiviteter", "Aktiviteter", "activities"),
        ];
        if self.user.as_ref().is_some_and(|u| u.admin) {
            items.push(("/admin", "Administration", "admin"));
        }
        if self.demo {
            items.push(("/udbakke", "Udbakke (demo)", "outbox"));
        }
        items
    }
}

impl Layout {
    /// The page is the family's (a family member logged in to see it).
    pub fn is_family(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.family)
    }

    /// Where the header's "Log af" posts.
    pub fn logout(&self) -> &'static str {
        if self.is_family() { "/familie/logout" } else { "/logout" }
    }

    pub fn is_current(&self, key: &str) -> bool {
        key == self.current
    }

    /// The menu item this page is in, as (href, label): the first step of its breadcrumbs.
    pub fn section(&self) -> (&'static str, &'static str) {
        self.nav().into_iter().find(|(_, _, key)| *key == self.current).map_or(("/", "Mine opgaver"), |(href, label, _)| (href, label))
    }

    /// `aria-current="page"` only on the menu item's own page, not on the pages below it.
    pub fn is_page(&self, key: &str) -> bool {
        key == self.current && !self.below
    }

    /// The badge class for a task status (colours in static/app.css meet WCAG AA contrast).
    pub fn badge(&self, s: &Status) -> &'static str {
        match s {
            Status::Overdue => "badge-overdue",
            Status::Open => "badge-due-soon",
            Status::Upcoming => "badge-info",
            Status::Done => "badge-done",
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub title: &'static str,
    pub detail: String,
    pub correlation_id: String,
    /// The way back: where to, and what it is called.
    pub back: (String, &'static str),
}

/// The way back from an error on `path`: the course it happened in, else the list it came
/// from, else Mine opgaver.
pub fn way_back(path: &str) -> (String, &'static str) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["forloeb", id, _, ..] if id.parse::<i64>().is_ok() => (format!("/forloeb/{id}"), "Tilbage til forløbet"),
        ["forloeb", ..] => ("/forloeb".into(), "Til listen over forløb"),
        ["delt", ..] => ("/delt".into(), "Til Delt med mig"),
        ["familie", ..] => ("/familie".into(), "Til familiens side"),
        _ => ("/".into(), "Til Mine opgaver"),
    }
}

/// A page that only tells the user something (and the way on).
#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
pub struct NoticePage {
    pub layout: Layout,
    pub title: String,
    pub lines: Vec<String>,
    pub back: (String, &'static str),
}
