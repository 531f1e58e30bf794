-- Subscribers' webhooks for model.published and the log of every delivery attempt. They lived in the
-- gateway's memory, so a gateway restart lost them and a second gateway did not know them; here every
-- gateway sees the same webhooks, and a delete on one stops the retries of another. The secret signs
-- each delivery (HMAC), so it is kept as given, like any shared signing key.
create table webhook (
    id         varchar(64)  primary key,
    owner      varchar(256) not null,
    url        text         not null,
    secret     varchar(128) not null,
    created_at timestamptz  not null
);
create index webhook_owner on webhook (owner, created_at);

create table webhook_delivery (
    id              bigserial    primary key,
    webhook_id      varchar(64)  not null references webhook (id) on delete cascade,
    event_id        varchar(128) not null,
    attempt         int          not null,
    at              timestamptz  not null,
    status          int          not null,
    error           text,
    next_attempt_at timestamptz
);
create index webhook_delivery_log on webhook_delivery (webhook_id, id);
