-- A mixture has one row of weights per task (task -> submission id -> weight, as JSON);
-- composites recorded before that, and every fused composite, have none.
alter table composite add column task_coefficients text not null default '{}';
