#!/usr/bin/env python3
"""DuckDB peer: what DuckDB's own JSON reader does with the same corpus.

    python3 bench/duckdb_ingest.py CORPUS_DIR DB_FILE

Walks CORPUS_DIR for *.json.gz files (the S3 layout, in the same order as baseline_ingest.py),
hands the whole list to one `read_json` with the schema auto-detected (`union_by_name`, so every
file's fields are detected rather than a sample's: with a sample, fields absent from it are
dropped, one top-level field at 100k events), and stores one row per record of
`Records` in a table of a fresh DuckDB database file, with the record's top-level fields as
columns (nested objects stay STRUCTs, as DuckDB typed them). `SET threads=2`: the benchmark
machine has 2 cores and trail uses both. No attribution, no indexes.

Prints one JSON line on stdout:
{"files": N, "events": N, "bytes_read": N, "seconds": S, "database_bytes": N}.
If the duckdb package cannot be imported it prints {"skipped": "<why>"} and exits 0, so that
`trail-bench run` reports the peer as skipped instead of failing.
"""

import json
import os
import sys
import time

# The corpus files are one JSON object each ({"Records": [...]}); CloudTrail allows a file of up
# to this many bytes inflated, as trail does, so no real file is refused for its size.
MAXIMUM_OBJECT_SIZE = 512 * 1024 * 1024


def log_files(root):
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            if name.endswith(".json.gz"):
                yield os.path.join(directory, name)


def database_bytes(db_path):
    return sum(os.path.getsize(db_path + suffix) for suffix in ("", ".wal") if os.path.exists(db_path + suffix))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 64
    root, db_path = argv[1], argv[2]
    try:
        import duckdb
    except ImportError as error:
        print(json.dumps({"skipped": f"cannot import duckdb ({error}); pip install duckdb"}))
        return 0
    start = time.monotonic()
    for suffix in ("", ".wal"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    paths = list(log_files(root))
    bytes_read = sum(os.path.getsize(p) for p in paths)
    if not paths:
        sys.stderr.write(f"duckdb_ingest: {root}: no .json.gz files\n")
        return 1
    try:
        events = load(duckdb, paths, db_path)
    except duckdb.Error as error:
        # DuckDB's message names the file it was reading when the error concerns one.
        sys.stderr.write(f"duckdb_ingest: loading {root} into {db_path}: {error}\n")
        return 1
    print(json.dumps({"files": len(paths), "events": events, "bytes_read": bytes_read,
                      "seconds": round(time.monotonic() - start, 3),
                      "database_bytes": database_bytes(db_path)}))
    return 0


def load(duckdb, paths, db_path):
    db = duckdb.connect(db_path)
    db.execute("SET threads=2")
    # Without it CREATE TABLE AS keeps every row in input order across threads, which held
    # 4 GB at 100k events (660 MB without); the table's row order carries no meaning here.
    db.execute("SET preserve_insertion_order = false")
    db.execute("SET enable_progress_bar = false")
    # The inner unnest gives one row per record (a STRUCT); the outer one spreads that STRUCT's
    # top-level fields into columns. A file without Records (a digest) contributes no row.
    db.execute(
        "CREATE TABLE events AS SELECT unnest(record) FROM ("
        "  SELECT unnest(Records) AS record FROM read_json(?, format = 'auto', compression = 'gzip',"
        f"   union_by_name = true, maximum_object_size = {MAXIMUM_OBJECT_SIZE}))",
        [paths],
    )
    row = db.execute("SELECT count(*) FROM events").fetchone()
    db.close()
    return row[0] if row else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
