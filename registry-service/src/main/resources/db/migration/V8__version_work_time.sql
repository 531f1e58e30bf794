-- What a version cost: the work time of the merge that built its composite and of its evaluation,
-- without queue waits, as composite.evaluated carries it, for the load benchmark and operators.
-- Null for versions published before it was carried, and for a fork's version 1, which neither
-- merged nor evaluated anything.
alter table model_version
    add column merge_millis      bigint,
    add column evaluation_millis bigint;
