-- API keys added with the silo's `keys` command: only the SHA-256 of each secret (lowercase hex), never the secret.
CREATE TABLE IF NOT EXISTS api_keys (
    name       TEXT PRIMARY KEY,
    sha256     TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
