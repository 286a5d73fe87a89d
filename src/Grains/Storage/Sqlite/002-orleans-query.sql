-- The Orleans ADO.NET providers read their SQL from this table at start-up, keyed by query name.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
