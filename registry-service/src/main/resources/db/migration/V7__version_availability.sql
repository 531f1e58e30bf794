-- An operator may take an earlier version's download away, for instance once a withdrawal has
-- superseded it; the card stays readable, because versions are never rewritten. Null: downloadable.
alter table model_version
    add column unavailable_at     timestamptz,
    add column unavailable_by     varchar(256),
    add column unavailable_reason text;

-- When a withdrawal took effect: the publication of the first version without the submission. It
-- dates the Deprecation header of every earlier version that still holds the submission.
alter table withdrawal add column published_at timestamptz;
update withdrawal w set published_at = v.published_at
    from model_version v where v.branch_id = w.branch_id and v.number = w.version;
