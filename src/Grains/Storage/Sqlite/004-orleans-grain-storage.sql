-- Orleans ADO.NET grain storage on SQLite (AddAdoNetGrainStorage), for state other than jobs
-- (e.g. the stream pub/sub store). The provider binds GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash,
-- GrainTypeString, GrainIdExtensionString, ServiceId, GrainStateVersion and PayloadBinary, and reads
-- PayloadBinary and Version (reads) or NewGrainStateVersion (writes, clears, deletes). No row back from a
-- write, clear or delete means a version conflict.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL
);

-- The two hashes find the row (or the few rows that share hashes); the full key columns settle collisions.
CREATE INDEX IF NOT EXISTS IX_OrleansStorage ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- `IS` compares GrainIdExtensionString null-safely: grains without a key extension pass NULL.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
    AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString IS @GrainIdExtensionString
    AND ServiceId = @ServiceId
LIMIT 1;
'),
-- Update when the version still matches, else insert when the grain believes there is no row (null version)
-- and there is none. Each statement is atomic on its own and at most one of them returns a row.
('WriteToStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = @PayloadBinary, ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
    AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString IS @GrainIdExtensionString
    AND ServiceId = @ServiceId AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;

INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
WHERE @GrainStateVersion IS NULL AND NOT EXISTS
(
    SELECT 1 FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString IS @GrainIdExtensionString
        AND ServiceId = @ServiceId
)
RETURNING Version AS NewGrainStateVersion;
'),
-- Clear keeps the row (payload nulled, version bumped), for DeleteStateOnClear = false.
('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
    AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString IS @GrainIdExtensionString
    AND ServiceId = @ServiceId AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
'),
-- Delete removes the row, for DeleteStateOnClear = true. The provider only checks that a version comes
-- back different from the one it sent, so return the deleted version plus one.
('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
    AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString AND GrainIdExtensionString IS @GrainIdExtensionString
    AND ServiceId = @ServiceId AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
