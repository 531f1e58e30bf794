-- Base models, branches with their policy, tasks with their evaluation suites, composites and
-- published versions. The registry is the single writer of a branch's head.
create table base_model (
    id           varchar(128) primary key,
    digest       varchar(71)  not null,
    architecture text         not null,
    created_at   timestamptz  not null
);

create table branch (
    id                varchar(128) primary key,
    base_model_id     varchar(128) not null references base_model (id),
    strategy          varchar(32)  not null,
    max_regression    double precision not null,
    max_new_task_gap  double precision not null,
    rank_limit        int          not null,
    norm_bound        double precision not null,
    head_version      int          not null,
    head_composite_id varchar(128),
    created_at        timestamptz  not null
);

create table task (
    branch_id        varchar(128) not null references branch (id),
    name             varchar(128) not null,
    institution      varchar(128) not null,
    class_names      text         not null,
    evaluation_suite varchar(71)  not null,
    created_at       timestamptz  not null,
    primary key (branch_id, name)
);

-- What a merge worker built; kept whether or not it is ever published.
create table composite (
    id             varchar(128) primary key,
    branch_id      varchar(128) not null references branch (id),
    parent_version int          not null,
    strategy       varchar(32)  not null,
    artifact       varchar(71)  not null,
    coefficients   text         not null,
    adapters       text         not null,
    created_at     timestamptz  not null
);

create table model_version (
    branch_id    varchar(128) not null references branch (id),
    number       int          not null,
    composite_id varchar(128) not null unique references composite (id),
    artifact     varchar(71)  not null,
    strategy     varchar(32)  not null,
    metrics      text         not null,
    published_at timestamptz  not null,
    primary key (branch_id, number)
);

-- Events written in the same transaction as the state they announce, sent by the outbox relay.
create table outbox_event (
    id         bigserial    primary key,
    topic      varchar(128) not null,
    event_key  varchar(128) not null,
    payload    text         not null,
    created_at timestamptz  not null,
    sent_at    timestamptz
);

create index outbox_event_unsent on outbox_event (id) where sent_at is null;
