#!/usr/bin/env python3
"""Baseline CloudTrail ingester: what a plain Python 3 script does with the standard library.

    python3 bench/baseline_ingest.py CORPUS_DIR DB_FILE

Walks CORPUS_DIR for *.json.gz files (the S3 layout), reads each with gzip + json, and inserts
15 columns per record into a fresh SQLite table with one executemany per file, all inside one
transaction. No attribution, no secondary indexes: it is the floor a simple script reaches, so
`trail-bench run` can put trail's end-to-end figures beside it.

Prints one JSON line on stdout:
{"files": N, "events": N, "bytes_read": N, "seconds": S, "database_bytes": N}.
"""

import gzip
import json
import os
import sqlite3
import sys
import time

COLUMNS = (
    "event_id TEXT PRIMARY KEY, event_time TEXT, event_source TEXT, event_name TEXT, aws_region TEXT, "
    "source_ip_address TEXT, user_agent TEXT, error_code TEXT, identity_type TEXT, identity_arn TEXT, "
    "principal_id TEXT, access_key_id TEXT, identity_account_id TEXT, request_parameters TEXT, "
    "recipient_account_id TEXT"
)
INSERT = "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"


def log_files(root):
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            if name.endswith(".json.gz"):
                yield os.path.join(directory, name)


def rows(records):
    for r in records:
        identity = r.get("userIdentity") or {}
        params = r.get("requestParameters")
        yield (
            r.get("eventID"),
            r.get("eventTime"),
            r.get("eventSource"),
            r.get("eventName"),
            r.get("awsRegion"),
            r.get("sourceIPAddress"),
            r.get("userAgent"),
            r.get("errorCode"),
            identity.get("type"),
            identity.get("arn"),
            identity.get("principalId"),
            identity.get("accessKeyId"),
            identity.get("accountId"),
            None if params is None else json.dumps(params, separators=(",", ":")),
            r.get("recipientAccountId"),
        )


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 64
    root, db_path = argv[1], argv[2]
    start = time.monotonic()
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    db = sqlite3.connect(db_path)
    db.execute(f"CREATE TABLE events ({COLUMNS})")
    files = events = bytes_read = 0
    with db:  # one transaction for the whole load
        for path in log_files(root):
            with open(path, "rb") as handle:
                raw = handle.read()
            bytes_read += len(raw)
            records = json.loads(gzip.decompress(raw)).get("Records") or []
            db.executemany(INSERT, rows(records))
            files += 1
            events += len(records)
    db.close()
    seconds = round(time.monotonic() - start, 3)
    size = sum(os.path.getsize(db_path + suffix) for suffix in ("", "-journal", "-wal")
               if os.path.exists(db_path + suffix))
    print(json.dumps({"files": files, "events": events, "bytes_read": bytes_read,
                      "seconds": seconds, "database_bytes": size}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
