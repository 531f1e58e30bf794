-- Every submission and every stage it went through. Nothing is deleted: a rejected or gated-out
-- submission stays queryable with its reasons.
create table submission (
    id          varchar(64)  primary key,
    institution varchar(128) not null,
    branch      varchar(128) not null,
    stage       varchar(32)  not null,
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null
);

-- One row per status event; the event id as key makes a redelivered event a no-op.
create table submission_status_entry (
    event_id      varchar(64)  primary key,
    submission_id varchar(64)  not null references submission (id),
    stage         varchar(32)  not null,
    detail        text,
    source        varchar(128) not null,
    occurred_at   timestamptz  not null,
    recorded_at   timestamptz  not null
);

create index submission_status_entry_by_submission on submission_status_entry (submission_id, occurred_at);
create index submission_by_institution on submission (institution);
