-- Verge.Orleans schema, SQLite, part 1 of 2: the query catalogue.
--
-- Orleans' ADO.NET providers hold no SQL of their own: at start the grain storage provider runs
--     SELECT QueryKey, QueryText FROM OrleansQuery WHERE QueryKey = '...' OR ...
-- and executes the stored text for each operation, binding parameters by name (@Name).
-- Table and column names are fixed by Orleans.
--
-- SQLite is used for grain state only (single-process mode); clustering and reminders run in
-- memory there, so this folder has no membership or reminder tables.
--
-- Idempotent: safe to run at every start.

-- Readers do not block the writer (and vice versa); the setting is stored in the database file.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
