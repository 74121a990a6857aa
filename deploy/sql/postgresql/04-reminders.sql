-- Verge.Orleans schema, PostgreSQL, part 4 of 4: reminders (Microsoft.Orleans.Reminders.AdoNet).
--
-- Contract (Orleans 10.x, RelationalOrleansQueries): all seven keys below must be present.
-- Parameters: @ServiceId text (ClusterOptions.ServiceId), @GrainId text (GrainId.ToString()),
-- @ReminderName text, @StartTime timestamptz (UTC), @Period int or bigint (milliseconds),
-- @GrainHash int (GrainId.GetUniformHashCode() cast to int), @BeginHash/@EndHash int,
-- @Version int (the etag). Reads return GrainId, ReminderName, StartTime, Period, Version.
-- The etag is the row's Version; an upsert always succeeds and returns the new one.
--
-- Ring ranges are (BeginHash, EndHash] on the signed hash: Orleans picks ReadRangeRows1Key when
-- (int)begin < (int)end and ReadRangeRows2Key (the wrapping range) otherwise.
--
-- Idempotent: safe to run at every start.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    text        NOT NULL,
    GrainId      text        NOT NULL,
    ReminderName text        NOT NULL,
    StartTime    timestamptz NOT NULL,
    Period       bigint      NOT NULL,
    GrainHash    integer     NOT NULL,
    Version      integer     NOT NULL,
    CONSTRAINT pk_orleans_reminders PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS ix_orleans_reminders_hash
    ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('UpsertReminderRowKey', $q$
INSERT INTO OrleansRemindersTable AS r
    (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
   SET StartTime = EXCLUDED.StartTime,
       Period = EXCLUDED.Period,
       GrainHash = EXCLUDED.GrainHash,
       Version = r.Version + 1
RETURNING r.Version AS "Version";
$q$),

('ReadReminderRowKey', $q$
SELECT GrainId      AS "GrainId",
       ReminderName AS "ReminderName",
       StartTime    AS "StartTime",
       Period       AS "Period",
       Version      AS "Version"
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND GrainId = @GrainId
   AND ReminderName = @ReminderName;
$q$),

('ReadReminderRowsKey', $q$
SELECT GrainId      AS "GrainId",
       ReminderName AS "ReminderName",
       StartTime    AS "StartTime",
       Period       AS "Period",
       Version      AS "Version"
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND GrainId = @GrainId;
$q$),

('ReadRangeRows1Key', $q$
SELECT GrainId      AS "GrainId",
       ReminderName AS "ReminderName",
       StartTime    AS "StartTime",
       Period       AS "Period",
       Version      AS "Version"
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND GrainHash > @BeginHash
   AND GrainHash <= @EndHash;
$q$),

('ReadRangeRows2Key', $q$
SELECT GrainId      AS "GrainId",
       ReminderName AS "ReminderName",
       StartTime    AS "StartTime",
       Period       AS "Period",
       Version      AS "Version"
  FROM OrleansRemindersTable
 WHERE ServiceId = @ServiceId
   AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$),

-- Returns one boolean: true if the row existed with that etag and is gone.
('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND GrainId = @GrainId
       AND ReminderName = @ReminderName
       AND Version = @Version
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM removed) AS "Deleted";
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
