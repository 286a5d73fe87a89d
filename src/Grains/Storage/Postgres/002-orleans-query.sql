-- The Orleans ADO.NET providers (invariant "Npgsql") load their SQL from this table when they start,
-- by query name. Names are left unquoted, so PostgreSQL folds them to lower case; the providers'
-- "SELECT QueryKey, QueryText FROM OrleansQuery" folds the same way.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  text NOT NULL PRIMARY KEY,
    QueryText text NOT NULL
);
