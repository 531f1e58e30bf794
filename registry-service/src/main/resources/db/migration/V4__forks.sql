-- A fork starts from a published version of another branch: that version's composite is the fork's
-- version 1, and the fork remembers where it came from. Both null for a branch on a bare base model.
alter table branch add column forked_from_branch  varchar(128) references branch (id);
alter table branch add column forked_from_version int;
