-- Orleans ADO.NET clustering (UseAdoNetClustering, invariant "Npgsql").
-- One version row per cluster (the provider's DeploymentId is the ClusterId) and one row per silo incarnation.
-- Every change to a silo row bumps the cluster's version in the same statement, and succeeds only when the
-- caller saw the current version: that is the membership protocol's optimistic check. Heartbeats
-- (IAmAliveTime) leave the version alone.
--
-- Bound parameters: DeploymentId, Address (text), Port, Generation, SiloName, HostName, Status, ProxyPort
-- (integers), StartTime and IAmAliveTime (UTC DateTime, DbType.DateTime), SuspectTimes ("silo,date|..." or
-- NULL) and Version (the table version the caller read, an integer). Result columns are read by name:
-- Version, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime,
-- IAmAliveTime; writes answer one row with one boolean column.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL PRIMARY KEY,
    Timestamp    timestamptz NOT NULL DEFAULT now(),
    Version      integer     NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId text        NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      text        NOT NULL,
    Port         integer     NOT NULL,
    Generation   integer     NOT NULL,
    SiloName     text        NOT NULL,
    HostName     text        NOT NULL,
    Status       integer     NOT NULL,
    ProxyPort    integer     NULL,
    SuspectTimes text        NULL,
    StartTime    timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Creates the cluster's version row unless it exists; true when this call created it.
('InsertMembershipVersionKey', $q$
WITH created AS
(
    INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version)
    VALUES (@DeploymentId, 0)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created;
$q$),

-- The version row, joined to the one silo asked for: always one row while the cluster exists, with NULL
-- silo columns when that silo has no row.
('MembershipReadRowKey', $q$
SELECT v.Version, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
    ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
$q$),

-- The version row joined to every silo of the cluster, read in one statement so both come from one snapshot.
('MembershipReadAllKey', $q$
SELECT v.Version, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Adds a silo row. The version moves on only if it is still the one the caller read and the silo has no row
-- yet; the insert runs only if the version moved. Two callers holding the same version queue on the version
-- row's lock, and the second then finds the version changed: at most one of them succeeds.
('InsertMembershipKey', $q$
WITH bumped AS
(
    UPDATE OrleansMembershipVersionTable v
    SET Version = v.Version + 1, Timestamp = now()
    WHERE v.DeploymentId = @DeploymentId AND v.Version = @Version
        AND NOT EXISTS
        (
            SELECT 1 FROM OrleansMembershipTable m
            WHERE m.DeploymentId = @DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
        )
    RETURNING v.DeploymentId
),
inserted AS
(
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime)
    SELECT b.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
    FROM bumped b
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM inserted;
$q$),

-- Changes a silo's status, suspicions and heartbeat, under the same version rule as the insert; the row must exist.
('UpdateMembershipKey', $q$
WITH bumped AS
(
    UPDATE OrleansMembershipVersionTable v
    SET Version = v.Version + 1, Timestamp = now()
    WHERE v.DeploymentId = @DeploymentId AND v.Version = @Version
        AND EXISTS
        (
            SELECT 1 FROM OrleansMembershipTable m
            WHERE m.DeploymentId = @DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
        )
    RETURNING v.DeploymentId
),
updated AS
(
    UPDATE OrleansMembershipTable m
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    FROM bumped b
    WHERE m.DeploymentId = b.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    RETURNING 1
)
SELECT count(*) > 0 FROM updated;
$q$),

-- The heartbeat: only the silo's own IAmAliveTime, no version check and no version change.
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
$q$),

-- Gateways for clients: active silos that listen for clients (Status is bound as Active, 3).
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$q$),

-- Forgets a whole cluster.
('DeleteMembershipTableEntriesKey', $q$
WITH silos AS
(
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId
)
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- Removes rows of dead silos (Status 6) that neither started nor sent a heartbeat after the cut-off
-- (bound as IAmAliveTime).
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = 6
    AND IAmAliveTime < @IAmAliveTime AND StartTime < @IAmAliveTime;
$q$),

-- Removes one dead silo's row, chosen by the provider, only if the row is still exactly as the provider read
-- it (same heartbeat, start and suspicions), so that a concurrent change keeps the row.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
    AND Status = 6
    AND StartTime = @StartTime AND IAmAliveTime = @IAmAliveTime
    AND coalesce(SuspectTimes, '') = coalesce(@SuspectTimes, '');
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
