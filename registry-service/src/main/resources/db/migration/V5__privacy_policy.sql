-- Privacy rules move from the ingest service's configuration into each branch's policy, which the
-- operator sets; existing branches get the values ingest enforced until now.
alter table branch add column max_membership_auc      double precision not null default 0.60;
alter table branch add column min_nearest_real_ratio  double precision not null default 0.5;
alter table branch add column max_distilled_per_class int              not null default 50;
alter table branch add column privacy_audit_required  boolean          not null default false;
