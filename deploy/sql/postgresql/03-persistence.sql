-- Verge.Orleans schema, PostgreSQL, part 3 of 4: grain state (Microsoft.Orleans.Persistence.AdoNet).
--
-- Contract (Orleans 10.x, AdoNetGrainStorage): the provider reads WriteToStorageKey,
-- ReadFromStorageKey and ClearStorageKey (required) and DeleteStorageKey (needed only with
-- DeleteStateOnClear = true). Every query receives
--     @GrainIdHash int, @GrainIdN0 bigint, @GrainIdN1 bigint, @GrainTypeHash int,
--     @GrainTypeString text, @GrainIdExtensionString text (may be NULL), @ServiceId text
-- and, except the read, @GrainStateVersion int (NULL when the grain holds no etag);
-- only the write receives @PayloadBinary bytea. A query must not name a parameter it is not given.
--   read   -> 0 or 1 row (PayloadBinary, Version); a NULL payload means "cleared"
--   write  -> 1 row, NewGrainStateVersion: the new version, or NULL on an etag conflict
--   clear  -> 1 row with the new version, or no row on an etag conflict
--   delete -> 1 row with (deleted version + 1), or no row on an etag conflict
-- The hashes are computed by Orleans and only narrow the search; the full identity is
-- (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString).
--
-- Idempotent: safe to run at every start.

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    Version                integer     NOT NULL
);

-- One row per grain state. The text parts go in as md5 digests so that long keys or state names
-- cannot exceed the B-tree entry limit; a NULL key extension and an empty one are the same key
-- (Orleans never produces an empty extension).
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_storage_grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1,
                       md5(ServiceId), md5(GrainTypeString), md5(COALESCE(GrainIdExtensionString, '')));

-- Insert (no etag) or compare-and-swap update (etag = stored version). Returns the new version,
-- or NULL when the etag does not match (including: a row exists but the caller had no etag).
CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_type_hash  integer,
    p_grain_type       text,
    p_key_extension    text,
    p_service_id       text,
    p_expected_version integer,
    p_payload          bytea)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
             p_key_extension, p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING Version INTO v_new_version;
    ELSE
        UPDATE OrleansStorage
           SET PayloadBinary = p_payload,
               Version = Version + 1,
               ModifiedOn = now()
         WHERE GrainIdHash = p_grain_id_hash
           AND GrainTypeHash = p_grain_type_hash
           AND GrainIdN0 = p_grain_id_n0
           AND GrainIdN1 = p_grain_id_n1
           AND ServiceId = p_service_id
           AND GrainTypeString = p_grain_type
           AND COALESCE(GrainIdExtensionString, '') = COALESCE(p_key_extension, '')
           AND Version = p_expected_version
        RETURNING Version INTO v_new_version;
    END IF;
    RETURN v_new_version;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadFromStorageKey', $q$
SELECT PayloadBinary AS "PayloadBinary",
       Version       AS "Version"
  FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '');
$q$),

('WriteToStorageKey', $q$
SELECT orleans_storage_write(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion";
$q$),

-- Keeps the row (and its version history) but drops the payload.
('ClearStorageKey', $q$
UPDATE OrleansStorage
   SET PayloadBinary = NULL,
       Version = Version + 1,
       ModifiedOn = now()
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '')
   AND Version = @GrainStateVersion
RETURNING Version AS "Version";
$q$),

-- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is true.
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId
   AND GrainTypeString = @GrainTypeString
   AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '')
   AND Version = @GrainStateVersion
RETURNING Version + 1 AS "Version";
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
