//! The route table. Every route is registered through [`Routes`], which adds it to actix
//! and records its method and path, so [`crate::startup::route_table`] lists every route the server answers.
//! The route × identity authorization test and the hostile-input test are generated from
//! that list: a route added without a row in their data fails them.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, web};

/// One route: its method and its full path pattern (`/api/v1/courses/{slug}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    pub method: Method,
    pub path: String,
}

impl std::fmt::Display for RouteEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Registers routes with actix (when built with [`Routes::new`]) and records them.
pub struct Routes<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    table: Vec<RouteEntry>,
}

/// The routes of one scope (a shared path prefix), added to actix as one scope: matching a
/// request then tries a few patterns instead of all of them.
pub struct ScopeRoutes {
    prefix: String,
    scope: Option<actix_web::Scope>,
    table: Vec<RouteEntry>,
}

macro_rules! methods {
    ($($name:ident => $method:ident),*) => {$(
        pub fn $name<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            self.add(Method::$method, path, handler)
        }
    )*};
}

impl<'a> Routes<'a> {
    pub fn new(cfg: &'a mut web::ServiceConfig) -> Routes<'a> {
        Routes {
            cfg: Some(cfg),
            table: Vec::new(),
        }
    }

    /// Records routes without serving them, for [`crate::startup::route_table`].
    pub(crate) fn recorder() -> Routes<'static> {
        Routes {
            cfg: None,
            table: Vec::new(),
        }
    }

    pub fn add<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.table.push(RouteEntry {
            method: method.clone(),
            path: path.to_owned(),
        });
        if let Some(cfg) = self.cfg.as_deref_mut() {
            cfg.route(path, web::method(method).to(handler));
        }
        self
    }

    methods!(get => GET, post => POST, put => PUT, delete => DELETE);

    /// Routes under `prefix`, registered as one actix scope.
    pub fn scope(&mut self, prefix: &str, build: impl FnOnce(&mut ScopeRoutes)) -> &mut Self {
        let mut scope = ScopeRoutes {
            prefix: prefix.to_owned(),
            scope: self.cfg.is_some().then(|| web::scope(prefix)),
            table: Vec::new(),
        };
        build(&mut scope);
        self.table.append(&mut scope.table);
        if let (Some(cfg), Some(built)) = (self.cfg.as_deref_mut(), scope.scope) {
            cfg.service(built);
        }
        self
    }
}

impl ScopeRoutes {
    pub fn add<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.table.push(RouteEntry {
            method: method.clone(),
            path: format!("{}{path}", self.prefix),
        });
        if let Some(scope) = self.scope.take() {
            self.scope = Some(scope.route(path, web::method(method).to(handler)));
        }
        self
    }

    methods!(get => GET, post => POST, put => PUT, delete => DELETE);
}

impl Routes<'_> {
    /// The routes recorded so far.
    pub(crate) fn into_table(self) -> Vec<RouteEntry> {
        self.table
    }
}
