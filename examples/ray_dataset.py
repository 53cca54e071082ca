"""Restore a column of a Ray Dataset on this machine (pip install "restore[ray]").

    python examples/ray_dataset.py

Reads a small Parquet file written here, restores its "text" column into "restored" with
the default model (as many workers as leave one CPU for reading), and writes the result as Parquet. Replace the paths with
s3://... or gs://... URIs (and ray.init(address="auto") for a cluster) for real corpora.
"""

import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import ray

from restore.ray import restore_dataset

if __name__ == "__main__":
    ray.init(include_dashboard=False, logging_level="WARNING")
    tmp = Path(tempfile.mkdtemp(prefix="restore-ray-example-"))
    pq.write_table(
        pa.table(
            {
                "id": [1, 2, 3],
                "text": [
                    "The Home handed its coronavirus aid invoice early Saturday.",
                    "The financial system grew by way of 2.4 p.c final yr.",
                    None,  # not text: kept, and the reason written to restore_error
                ],
            }
        ),
        tmp / "in.parquet",
    )
    ds = ray.data.read_parquet(str(tmp / "in.parquet"))
    restored = restore_dataset(ds, column="text", output_column="restored")
    restored.write_parquet(str(tmp / "out"))
    for row in ray.data.read_parquet(str(tmp / "out")).sort("id").take_all():
        print(row["id"], repr(row["text"]), "->", repr(row["restored"]), row["restore_error"] or "")
    ray.shutdown()
