//! The OpenAPI 3.1 document, generated from the route table so it cannot miss a route, with
//! every body's schema generated from the Rust type that reads or writes it (schemars: JSON
//! Schema 2020-12, which OpenAPI 3.1 takes as it is).

use std::collections::BTreeMap;

use schemars::SchemaGenerator;
use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::http::path::{self, TEXT_PARAMETERS};
use crate::http::route::{Guard, RequestBody, Route, RouteDef};

const SCHEMAS: &str = "#/components/schemas/";

/// The document of these routes (the route table's).
pub fn document(routes: &[Route]) -> Value {
    // What a client sends is read by serde's deserializer (defaults may be left out), what it
    // gets is written by its serializer: two contracts, so two generators.
    let mut requests = generator(Contract::Deserialize);
    let mut responses = generator(Contract::Serialize);
    let problem = responses.subschema_for::<crate::http::error::Problem>();
    let mut paths = Map::new();
    for route in routes {
        let d = &route.def;
        if d.path.starts_with("/api/v1/") {
            let entry = paths.entry(d.path.to_string()).or_insert_with(|| json!({}));
            entry[d.method.to_lowercase()] = operation(d, &mut requests, &mut responses);
        }
    }
    let mut schemas = responses.take_definitions(true);
    let renamed = merge(&mut schemas, requests.take_definitions(true));
    for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|ops| ops.values_mut()) {
        for part in ["requestBody", "parameters"] {
            if let Some(v) = op.get_mut(part) {
                rename_refs(v, &renamed);
            }
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tovholder API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::http::auth::SESSION_COOKIE},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
            "responses": {
                "Problem": {"description": "RFC 9457 problem", "content": {"application/problem+json": {"schema": problem}}},
            },
        },
    })
}

fn generator(contract: Contract) -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.contract = contract;
        })
        .into_generator()
}

fn operation(d: &RouteDef, requests: &mut SchemaGenerator, responses: &mut SchemaGenerator) -> Value {
    let mut params: Vec<Value> = path::parameters(d.path)
        .map(|name| {
            let kind = if TEXT_PARAMETERS.contains(&name) { "string" } else { "integer" };
            json!({"name": name, "in": "path", "required": true, "schema": {"type": kind}})
        })
        .collect();
    let problem = json!({"$ref": "#/components/responses/Problem"});
    let mut op = json!({
        "summary": d.summary,
        "security": [{"session": []}],
        "responses": {"401": problem, "404": problem},
    });
    if let Some(query) = d.query {
        params.extend(query_parameters(&query(requests), requests));
        // A query string that does not read as the type.
        op["responses"]["400"] = problem.clone();
    }
    op["parameters"] = params.into();
    for &code in d.success {
        let schema = match d.response_on {
            Some((on, schema)) if on == code => Some(schema),
            _ => d.response,
        };
        op["responses"][code.to_string()] = match (code, schema) {
            (204, _) => json!({"description": "No Content"}),
            (_, Some(schema)) => json!({"description": "OK", "content": {"application/json": {"schema": schema(responses)}}}),
            // Left without a schema: the document's test fails on it.
            (_, None) => json!({"description": "OK", "content": {"application/json": {}}}),
        };
    }
    if d.method == "GET" {
        return op;
    }
    let body = match d.request {
        RequestBody::Unstated => Some(json!({})),
        RequestBody::Empty => None,
        RequestBody::Json(schema) => Some(json!({"schema": schema(requests)})),
        RequestBody::Command(name) => Some(json!({"schema": crate::http::command::body_schema(requests, name, d.path).unwrap_or_default()})),
        RequestBody::Commands(names) => {
            let one_of: Option<Vec<Value>> = names.iter().map(|name| crate::http::command::schema(requests, name)).collect();
            Some(json!({"schema": one_of.map(|o| json!({"oneOf": o})).unwrap_or_default()}))
        }
        RequestBody::Text => Some(json!({"schema": {"type": "string"}})),
    };
    if let Some(body) = body {
        op["requestBody"] = json!({"required": true, "content": {d.request_type: body}});
        op["responses"]["400"] = problem.clone();
        op["responses"]["413"] = problem.clone();
        op["responses"]["422"] = problem.clone();
    }
    // Optimistic concurrency: the course version the change was made on (course routes only).
    if let (Guard::Course(_), Some(p)) = (d.guard, op["parameters"].as_array_mut()) {
        p.push(json!({"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string"}, "description": "The course version the change was made on, e.g. \"7\"; 409 if the same things changed since."}));
    }
    op["security"] = json!([{"session": [], "csrf": []}]);
    op["responses"]["403"] = problem.clone();
    op["responses"]["409"] = problem;
    op
}

/// One query parameter per property of a query type's schema (an object).
fn query_parameters(schema: &schemars::Schema, generator: &SchemaGenerator) -> Vec<Value> {
    let object =
        schema.as_object().and_then(|o| o.get("$ref")).and_then(Value::as_str).and_then(|r| r.strip_prefix(SCHEMAS)).and_then(|name| generator.definitions().get(name)).unwrap_or(schema.as_value());
    let required: Vec<&Value> = object["required"].as_array().map(|r| r.iter().collect()).unwrap_or_default();
    let Some(properties) = object["properties"].as_object() else { return vec![] };
    properties.iter().map(|(name, schema)| json!({"name": name, "in": "query", "required": required.contains(&&Value::from(name.as_str())), "schema": schema})).collect()
}

/// Puts the request schemas among the response schemas. A type whose request schema differs
/// from its response schema (a field with a default may be left out of a request) gets its own
/// name, `…Input`; the names changed are returned.
fn merge(schemas: &mut Map<String, Value>, mut requests: Map<String, Value>) -> BTreeMap<String, String> {
    // Renaming one type changes the references in those that use it: until nothing more differs.
    let mut renamed = BTreeMap::new();
    loop {
        let differ: Vec<String> = requests.iter().filter(|(name, schema)| !renamed.contains_key(*name) && schemas.get(*name).is_some_and(|s| s != *schema)).map(|(name, _)| name.clone()).collect();
        if differ.is_empty() {
            break;
        }
        renamed.extend(differ.into_iter().map(|name| (name.clone(), format!("{name}Input"))));
        requests.values_mut().for_each(|schema| rename_refs(schema, &renamed));
    }
    for (name, mut schema) in requests {
        rename_refs(&mut schema, &renamed);
        schemas.insert(renamed.get(&name).cloned().unwrap_or(name), schema);
    }
    renamed
}

fn rename_refs(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(new) = r.strip_prefix(SCHEMAS).and_then(|name| renamed.get(name))
            {
                *r = format!("{SCHEMAS}{new}");
            }
            map.values_mut().for_each(|v| rename_refs(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}
