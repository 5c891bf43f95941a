// PostGraphile 4 over Polku's database, for `cargo xtask bench compare`.
//
// It logs in as the same application role the gateway uses (DATABASE_URL),
// never a superuser, and each request's transaction gets exactly the
// transaction-local settings the gateway's `Tx::begin` sets, from the same
// HS256 token, so the same row-level policies and grants apply. The area's
// id is given at start (TENANTS, slug to id), as a gateway that knows its
// areas would. The caseload's custom query `benchCaseload` comes from
// `postgraphile.sql` beside this file.
//
// Environment: DATABASE_URL, PORT, JWT_SECRET, TENANTS (JSON), POOL_SIZE;
// modules from NODE_PATH (the bench installs postgraphile@4 into the target
// folder).

"use strict";

const http = require("http");
const crypto = require("crypto");
const { Pool } = require("pg");
const jwt = require("jsonwebtoken");
const { postgraphile } = require("postgraphile");

const secret = process.env.JWT_SECRET;
const tenants = JSON.parse(process.env.TENANTS || "{}");

// The database role of a caller's kind, as `Actor::db_role` chooses it.
function dbRole(roles) {
  if (roles.some((r) => ["platform_admin", "tenant_admin", "manager", "coach"].includes(r))) {
    return "polku_staff";
  }
  if (roles.includes("partner")) return "polku_partner";
  if (roles.includes("oversight")) return "polku_oversight";
  return "polku_anonymous";
}

function pgSettings(req) {
  const header = req.headers.authorization || "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : "";
  const claims = jwt.verify(token, secret, { algorithms: ["HS256"] });
  const roles = claims.roles || [];
  return {
    role: dbRole(roles),
    "polku.user_id": claims.sub,
    "polku.roles": roles.join(","),
    "polku.tenant_slug": claims.tenant || "",
    "polku.tenant_id": tenants[claims.tenant] || "",
    "polku.partner_id": claims.partner || "",
    "polku.region": claims.region || "",
    "polku.request_id": crypto.randomUUID(),
  };
}

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE || 16),
});

const middleware = postgraphile(pool, "public", {
  pgSettings,
  dynamicJson: true,
  disableQueryLog: true,
  graphiql: false,
  watchPg: false,
  setofFunctionsContainNulls: false,
  retryOnInitFail: false,
});

http
  .createServer((req, res) => {
    if (req.url === "/healthz") {
      middleware
        .getGraphQLSchema()
        .then(() => {
          res.writeHead(200);
          res.end("ok");
        })
        .catch((e) => {
          res.writeHead(503);
          res.end(String(e));
        });
      return;
    }
    middleware(req, res);
  })
  .listen(Number(process.env.PORT), "127.0.0.1");
