//! The collaboration models this server knows: those shipped in `models/`, built in.

use std::collections::BTreeMap;
use std::sync::Arc;

use tovholder_core::model::{Model, ModelError};

#[derive(Clone, Default)]
pub struct Models(BTreeMap<String, Arc<Model>>);

/// The models shipped with the product, as (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("julemaerkehjem.toml", include_str!("../../../models/julemaerkehjem.toml")),
    ("familiens_fremtid.toml", include_str!("../../../models/familiens_fremtid.toml")),
    ("ballerup_unge.toml", include_str!("../../../models/ballerup_unge.toml")),
];

impl Models {
    pub fn builtin() -> Result<Models, (String, Vec<ModelError>)> {
        let mut m = Models::default();
        for (file, text) in BUILTIN {
            m.add(Model::parse(text).map_err(|e| (file.to_string(), e))?);
        }
        Ok(m)
    }

    pub fn add(&mut self, model: Model) {
        self.0.insert(model.id.clone(), Arc::new(model));
    }

    pub fn get(&self, id: &str) -> Option<Arc<Model>> {
        self.0.get(id).cloned()
    }

    pub fn all(&self) -> impl Iterator<Item = &Arc<Model>> {
        self.0.values()
    }
}
