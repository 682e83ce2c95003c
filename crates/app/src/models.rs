//! The collaboration models this instance knows, by version. Every version lives in the
//! database (`model_versions`) and never changes: the files shipped in `models/` and those in
//! the configured `models_dir` only add a version when their text is new, and administrators
//! upload more. New courses take a model's newest version; a course keeps the version it
//! was opened under until an administrator moves it (`model_moves`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use tovholder_core::course::CourseState;
use tovholder_core::model::{Model, ModelError};
use tovholder_store::{ModelVersion, NewModelVersion, Store, StoreError};

/// The models shipped with the product, as (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("julemaerkehjem.toml", include_str!("../../../models/julemaerkehjem.toml")),
    ("familiens_fremtid.toml", include_str!("../../../models/familiens_fremtid.toml")),
    ("ballerup_unge.toml", include_str!("../../../models/ballerup_unge.toml")),
    ("plejefamilie_stoette.toml", include_str!("../../../models/plejefamilie_stoette.toml")),
];

/// Where a stored version came from (`model_versions.source`).
pub const SHIPPED: &str = "indbygget";
pub const FOLDER: &str = "mappe";
pub const UPLOADED: &str = "upload";

/// Cheap to clone; every clone sees the same catalogue.
#[derive(Clone, Default)]
pub struct Models(Arc<RwLock<Catalog>>);

#[derive(Default)]
struct Catalog {
    versions: BTreeMap<(String, u32), Arc<Model>>,
    /// The version new courses get: each model's newest.
    newest: BTreeMap<String, u32>,
    /// Stored versions this build of Tovholder cannot read (a format changed since): their
    /// courses are left alone, and the administration page names them.
    unreadable: Vec<(String, u32, String)>,
}

pub fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A model text with Unix line ends: a file saved on Windows, or sent back from a form's text
/// area (browsers send CRLF), is the same text as the file it came from.
pub fn normalized(text: &str) -> String {
    text.replace("\r\n", "\n")
}

impl Models {
    /// The shipped models as version 1, without a store (tools and unit tests).
    pub fn builtin() -> Result<Models, (String, Vec<ModelError>)> {
        let m = Models::default();
        for (file, text) in BUILTIN {
            m.insert(Model::parse(text).map_err(|e| (file.to_string(), e))?);
        }
        Ok(m)
    }

    /// At start: stores the shipped models and the files of `dir` where their text is new,
    /// then reads every stored version.
    pub async fn open(store: &dyn Store, dir: Option<&Path>, at: Timestamp) -> Result<Models, OpenError> {
        let mut files: Vec<(String, String, &str)> = BUILTIN.iter().map(|(f, t)| (f.to_string(), t.to_string(), SHIPPED)).collect();
        if let Some(dir) = dir {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| OpenError::Folder(format!("{}: {e}", dir.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            paths.sort();
            for p in paths {
                let text = std::fs::read_to_string(&p).map_err(|e| OpenError::Folder(format!("{}: {e}", p.display())))?;
                files.push((p.display().to_string(), normalized(&text), FOLDER));
            }
        }
        for (file, text, source) in files {
            let model = Model::parse(&text).map_err(|errors| OpenError::Invalid { file: file.clone(), errors })?;
            store.add_model_version(&NewModelVersion { model: model.id, sha256: sha256(&text), text, source: source.into(), added_by: None, at }).await?;
        }
        let models = Models::default();
        models.refresh(store).await?;
        Ok(models)
    }

    /// Reads versions stored since (by another process, or an upload here).
    pub async fn refresh(&self, store: &dyn Store) -> Result<(), StoreError> {
        let stored = store.model_versions().await?;
        let mut unreadable = Vec::new();
        for v in stored {
            if self.version(&v.model, v.version).is_some() {
                continue;
            }
            match Model::parse(&v.text) {
                Ok(mut m) => {
                    m.version = v.version;
                    self.insert(m);
                }
                Err(e) => {
                    tracing::error!(model = %v.model, version = v.version, "a stored model version does not parse");
                    unreadable.push((v.model, v.version, e.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")));
                }
            }
        }
        self.write().unreadable = unreadable;
        Ok(())
    }

    // A panic elsewhere while the lock was held leaves a catalogue that is still whole (each
    // change is one insert), so a poisoned lock is used as it is.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Catalog> {
        self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Catalog> {
        self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn insert(&self, model: Model) {
        let mut c = self.write();
        let newest = c.newest.entry(model.id.clone()).or_insert(model.version);
        *newest = (*newest).max(model.version);
        c.versions.insert((model.id.clone(), model.version), Arc::new(model));
    }

    /// The version new courses of `id` get.
    pub fn get(&self, id: &str) -> Option<Arc<Model>> {
        let c = self.read();
        let v = *c.newest.get(id)?;
        c.versions.get(&(id.to_string(), v)).cloned()
    }

    pub fn version(&self, id: &str, version: u32) -> Option<Arc<Model>> {
        self.read().versions.get(&(id.to_string(), version)).cloned()
    }

    /// The model a course runs under: its own version.
    pub fn of(&self, state: &CourseState) -> Option<Arc<Model>> {
        self.version(&state.model, state.model_version)
    }

    /// Each model's newest version.
    pub fn all(&self) -> Vec<Arc<Model>> {
        let c = self.read();
        c.newest.iter().filter_map(|(id, v)| c.versions.get(&(id.clone(), *v)).cloned()).collect()
    }

    pub fn unreadable(&self) -> Vec<(String, u32, String)> {
        self.read().unreadable.clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("model file {file} is invalid: {}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid { file: String, errors: Vec<ModelError> },
    #[error("models_dir: {0}")]
    Folder(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The instance's administrator stores an uploaded model text as a new version (or finds it
/// stored already), logged; new courses get it from then on. The model's id and the version.
pub async fn take_into_use(app: &crate::App, by: &tovholder_store::User, text: &str) -> Result<Result<(String, u32), Vec<ModelError>>, crate::AppError> {
    if !by.instance_admin {
        return Err(crate::AppError::NotFound);
    }
    let text = &normalized(text);
    let model = match Model::parse(text) {
        Ok(m) => m,
        Err(errors) => return Ok(Err(errors)),
    };
    let at = app.clock.now();
    let version =
        app.store.add_model_version(&NewModelVersion { model: model.id.clone(), sha256: sha256(text), text: text.to_string(), source: UPLOADED.into(), added_by: Some(by.person), at }).await?;
    app.models.refresh(app.store.as_ref()).await?;
    let action = format!("admin:model_version:{}:{version}", model.id);
    crate::course::log(app, tovholder_store::AccessRecord { at, person: Some(by.person), course: None, action, allowed: true, reason: "administrator".into() }).await?;
    Ok(Ok((model.id, version)))
}

/// Where a model text stands among its model's stored versions.
pub struct Placement {
    /// The same text is stored already, as this version.
    pub known: Option<u32>,
    /// The version new courses get now, if the model has any.
    pub newest: Option<u32>,
}

impl Placement {
    /// The version the text has, or would have once taken into use.
    pub fn version(&self) -> u32 {
        self.known.unwrap_or_else(|| self.newest.map_or(1, |v| v + 1))
    }
}

/// Whether `text` (of model `model`) is stored already, and which version is newest.
pub async fn placement(store: &dyn Store, model: &str, text: &str) -> Result<Placement, StoreError> {
    let sha = sha256(text);
    let versions: Vec<ModelVersion> = store.model_versions().await?.into_iter().filter(|v| v.model == model).collect();
    Ok(Placement { known: versions.iter().find(|v| v.sha256 == sha).map(|v| v.version), newest: versions.iter().map(|v| v.version).max() })
}

/// The stored versions of each model, for the administration page: newest first.
pub async fn stored(store: &dyn Store) -> Result<BTreeMap<String, Vec<ModelVersion>>, StoreError> {
    let mut out: BTreeMap<String, Vec<ModelVersion>> = BTreeMap::new();
    for v in store.model_versions().await? {
        out.entry(v.model.clone()).or_default().insert(0, v);
    }
    Ok(out)
}
