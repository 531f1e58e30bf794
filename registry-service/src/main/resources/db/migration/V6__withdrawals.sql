-- A contribution taken out of its branch at its institution's or an operator's request: who asked,
-- when, and what came of it. One row a submission and branch; a request whose composite failed the
-- gate may be made again, and then replaces the row. version is the first version that omits it.
create table withdrawal (
    branch_id             varchar(128) not null references branch (id),
    submission_id         varchar(64)  not null references submission (id),
    institution           varchar(128) not null,
    task                  varchar(128) not null,
    requested_by          varchar(256) not null,
    requester_institution varchar(128),
    requested_at          timestamptz  not null,
    state                 varchar(16)  not null,
    version               int,
    gate_reasons          text,
    primary key (branch_id, submission_id)
);
