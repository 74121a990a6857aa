-- Verge.Orleans schema, PostgreSQL, part 2 of 4: cluster membership
-- (Microsoft.Orleans.Clustering.AdoNet, silos and clients).
--
-- Contract (Orleans 10.x, RelationalOrleansQueries / DbStoredQueries): all nine keys below must be
-- present or the provider refuses to start. Orleans passes @DeploymentId = ClusterOptions.ClusterId.
-- The whole membership table shares one version number (the table "etag"): InsertMembershipKey and
-- UpdateMembershipKey succeed only when @Version equals the stored version, and then increment it.
-- Reads return one row per silo, each carrying that version; when no silo row matches they still
-- return the version row alone, with NULL silo columns (Orleans reads row 0's Version and treats a
-- NULL StartTime as "no entry").
--
-- Timestamps are timestamptz: Npgsql 6+ sends UTC DateTime values as timestamptz and reads them back
-- as UTC.
--
-- Idempotent: safe to run at every start.

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL,
    Version      integer     NOT NULL DEFAULT 0,
    LastModified timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_orleans_membership_version PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId text        NOT NULL,
    Address      text        NOT NULL,
    Port         integer     NOT NULL,
    Generation   integer     NOT NULL,
    SiloName     text        NOT NULL,
    HostName     text        NOT NULL,
    Status       integer     NOT NULL,
    ProxyPort    integer     NOT NULL DEFAULT 0,
    SuspectTimes text        NULL,
    StartTime    timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,
    CONSTRAINT pk_orleans_membership PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT fk_orleans_membership_version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE
);

-- Adds a silo row if the caller's table version is still current; bumps the version on success.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deployment_id  text,
    p_address        text,
    p_port           integer,
    p_generation     integer,
    p_silo_name      text,
    p_host_name      text,
    p_status         integer,
    p_proxy_port     integer,
    p_start_time     timestamptz,
    p_iamalive_time  timestamptz,
    p_version        integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    -- Take the version row for the rest of the transaction, but only if it still holds the
    -- version the caller read. A writer queued behind us re-checks after we commit and fails.
    PERFORM 1
      FROM OrleansMembershipVersionTable
     WHERE DeploymentId = p_deployment_id
       AND Version = p_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName,
         Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, COALESCE(p_proxy_port, 0), p_start_time, p_iamalive_time)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;   -- that silo (address, port, generation) is already registered
    END IF;

    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           LastModified = now()
     WHERE DeploymentId = p_deployment_id;
    RETURN true;
END
$fn$;

-- Changes a silo row if the caller's table version is still current; bumps the version on success.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deployment_id  text,
    p_address        text,
    p_port           integer,
    p_generation     integer,
    p_status         integer,
    p_suspect_times  text,
    p_iamalive_time  timestamptz,
    p_version        integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM 1
      FROM OrleansMembershipVersionTable
     WHERE DeploymentId = p_deployment_id
       AND Version = p_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE OrleansMembershipTable
       SET Status = p_status,
           SuspectTimes = p_suspect_times,
           IAmAliveTime = p_iamalive_time
     WHERE DeploymentId = p_deployment_id
       AND Address = p_address
       AND Port = p_port
       AND Generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;   -- no such silo row
    END IF;

    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           LastModified = now()
     WHERE DeploymentId = p_deployment_id;
    RETURN true;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Silo start: make sure the version row exists. Returns one boolean: true if this call created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM created) AS "Created";
$q$),

-- Returns one boolean.
('InsertMembershipKey', $q$
SELECT orleans_membership_insert(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Inserted";
$q$),

-- Returns one boolean.
('UpdateMembershipKey', $q$
SELECT orleans_membership_update(
    @DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version) AS "Updated";
$q$),

-- Heartbeat: no version check, no version change.
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
   SET IAmAliveTime = @IAmAliveTime
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation;
$q$),

('MembershipReadRowKey', $q$
SELECT v.Version      AS "Version",
       m.Address      AS "Address",
       m.Port         AS "Port",
       m.Generation   AS "Generation",
       m.SiloName     AS "SiloName",
       m.HostName     AS "HostName",
       m.Status       AS "Status",
       m.ProxyPort    AS "ProxyPort",
       m.SuspectTimes AS "SuspectTimes",
       m.StartTime    AS "StartTime",
       m.IAmAliveTime AS "IAmAliveTime"
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
        AND m.Address = @Address
        AND m.Port = @Port
        AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT v.Version      AS "Version",
       m.Address      AS "Address",
       m.Port         AS "Port",
       m.Generation   AS "Generation",
       m.SiloName     AS "SiloName",
       m.HostName     AS "HostName",
       m.Status       AS "Status",
       m.ProxyPort    AS "ProxyPort",
       m.SuspectTimes AS "SuspectTimes",
       m.StartTime    AS "StartTime",
       m.IAmAliveTime AS "IAmAliveTime"
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Clients: gateways of silos in status @Status (Orleans passes 3 = Active).
('GatewaysQueryKey', $q$
SELECT Address    AS "Address",
       ProxyPort  AS "ProxyPort",
       Generation AS "Generation"
  FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = @Status
   AND ProxyPort > 0;
$q$),

('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- Removes rows of silos that are not Active (3) and were last alive before @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND IAmAliveTime < @IAmAliveTime
   AND Status <> 3;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
