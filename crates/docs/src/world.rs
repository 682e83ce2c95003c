//! The in-memory [`typst::World`] that [`crate::render_pdf`] compiles in.

use std::path::PathBuf;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

/// Virtual path of the template (the main source file).
const MAIN_PATH: &str = "/main.typ";
/// Virtual path under which the render data is served.
const DATA_PATH: &str = "/data.json";

/// The embedded fonts, parsed once per process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn project_file(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|err| format!("{path}: {err}"))?;
    // Interned: the same path always yields the same id, so this does not
    // leak an id per render.
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One render: the template as `/main.typ` and the data as `/data.json`.
pub(crate) struct DocWorld {
    main: Source,
    data: Bytes,
    data_id: FileId,
}

impl DocWorld {
    pub(crate) fn new(template: &str, data: Vec<u8>) -> Result<Self, String> {
        let main_id = project_file(MAIN_PATH)?;
        let data_id = project_file(DATA_PATH)?;
        Ok(Self { main: Source::new(main_id, template.to_owned()), data: Bytes::new(data), data_id })
    }

    /// `file:line:column` (1-based) of a diagnostic span, if it points into
    /// the template or the data.
    pub(crate) fn locate(&self, span: DiagSpan) -> Option<String> {
        let id = span.id()?;
        let range = self.range(span)?;
        let (name, text) = if id == self.main.id() {
            ("main.typ", self.main.text())
        } else if id == self.data_id {
            ("data.json", std::str::from_utf8(self.data.as_slice()).ok()?)
        } else {
            return None;
        };
        let before = text.get(..range.start)?;
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some(format!("{name}:{line}:{column}"))
    }
}

fn not_found(id: FileId) -> FileError {
    match id.root() {
        VirtualRoot::Project => FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())),
        VirtualRoot::Package(spec) => FileError::Other(Some(format!("packages are not available ({spec})").into())),
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(not_found(id)) }
    }

    /// Serves only `data.json`; everything else (including the template's own
    /// path) fails, so a template can read nothing but its data.
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id { Ok(self.data.clone()) } else { Err(not_found(id)) }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    /// No clock: `datetime.today()` is a compile error. Dates come via the data.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
