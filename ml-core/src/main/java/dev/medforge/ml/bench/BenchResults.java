package dev.medforge.ml.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a benchmark hands back: a table for people and JSON for tools. */
public interface BenchResults {

    String table();

    ObjectNode toJson();
}
