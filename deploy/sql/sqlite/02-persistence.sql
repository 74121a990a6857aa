-- Verge.Orleans schema, SQLite, part 2 of 2: grain state (Microsoft.Orleans.Persistence.AdoNet,
-- invariant "System.Data.SQLite", which Orleans maps to Microsoft.Data.Sqlite).
--
-- Same contract as postgresql/03-persistence.sql:
--   parameters @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
--   @GrainIdExtensionString (may be NULL), @ServiceId; all but the read also get
--   @GrainStateVersion (NULL = no etag); only the write gets @PayloadBinary.
--   Microsoft.Data.Sqlite rejects a query that names a parameter it was not given.
--   read   -> 0 or 1 row (PayloadBinary, Version); a NULL payload means "cleared"
--   write  -> 1 row NewGrainStateVersion on success, no row on an etag conflict
--   clear  -> 1 row with the new version, no row on an etag conflict
--   delete -> 1 row with (deleted version + 1), no row on an etag conflict
-- Needs SQLite 3.35+ (RETURNING); Microsoft.Data.Sqlite bundles a newer one.
--
-- Idempotent: safe to run at every start.

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

-- One row per grain state; a NULL key extension and an empty one are the same key
-- (Orleans never produces an empty extension).
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_storage_grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1,
                       ServiceId, GrainTypeString, ifnull(GrainIdExtensionString, ''));

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadFromStorageKey', '
SELECT PayloadBinary AS PayloadBinary,
       Version       AS Version
  FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND ifnull(GrainIdExtensionString, '''') = ifnull(@GrainIdExtensionString, '''');
'),

-- Two statements, exactly one of which can change a row (no etag: insert a new row; etag: update
-- the row holding that version). Each returns the new version only when it changed a row, so the
-- command yields one row on success and none on a conflict.
('WriteToStorageKey', '
INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
     GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
       @GrainIdExtensionString, @ServiceId, @PayloadBinary,
       strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
 WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING Version AS NewGrainStateVersion;

UPDATE OrleansStorage
   SET PayloadBinary = @PayloadBinary,
       Version = Version + 1,
       ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND ifnull(GrainIdExtensionString, '''') = ifnull(@GrainIdExtensionString, '''')
   AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
'),

-- Keeps the row (and its version) but drops the payload.
('ClearStorageKey', '
UPDATE OrleansStorage
   SET PayloadBinary = NULL,
       Version = Version + 1,
       ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND ifnull(GrainIdExtensionString, '''') = ifnull(@GrainIdExtensionString, '''')
   AND Version = @GrainStateVersion
RETURNING Version AS Version;
'),

-- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is true.
('DeleteStorageKey', '
DELETE FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND ifnull(GrainIdExtensionString, '''') = ifnull(@GrainIdExtensionString, '''')
   AND Version = @GrainStateVersion
RETURNING Version + 1 AS Version;
')

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
