-- What the registry made of each composite, published or not, so the console's lineage can show the
-- rebases, fallbacks, splits and gate failures between versions. reasons are the gate's, kept where
-- they are why the composite was not published. Composites decided before this keep a null decision:
-- what became of them is not known any more.
alter table composite
    add column decision varchar(16),
    add column reasons  text;
