"""DuckDB anchor for `segue-bench import`: load the same Spotify JSON files into a table.

Usage: bench_import_duckdb.py DB_FILE HISTORY_DIR   (prints one JSON line)
"""
import json
import os
import resource
import sys
import time

import duckdb

db_path, history = sys.argv[1], sys.argv[2]
if os.path.exists(db_path):
    os.remove(db_path)
con = duckdb.connect(db_path)
pattern = os.path.join(history, "Streaming_History_Audio_*.json")
start = time.perf_counter()
con.execute(f"CREATE TABLE plays AS SELECT * FROM read_json_auto('{pattern}')")
con.execute("CHECKPOINT")
seconds = time.perf_counter() - start
rows = con.execute("SELECT count(*) FROM plays").fetchone()[0]
con.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mib": peak, "version": duckdb.__version__}))
