"""manifest.json: what each build wrote, with hashes, so a clinic can prove which version it printed."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .model import Clinic, Job, Library
from .writer import write_atomic

MANIFEST = "manifest.json"


def entry(library: Library, job: Job, path: Path, out_dir: Path, data: bytes,
          clinic: Clinic | None, content_hashes: dict[str, str] | None = None) -> dict[str, Any]:
    topics = []
    for topic_id in job.topics:
        meta = library.topics[(topic_id, job.language)].meta
        topics.append({"id": meta.id, "version": meta.version,
                       "last_reviewed": meta.last_reviewed.isoformat(),
                       "next_review_due": meta.next_review_due.isoformat(), "evidence_checked_by": meta.evidence_checked_by,
                       **({"content_sha256": content_hashes[topic_id]} if content_hashes and topic_id in content_hashes else {})})
    return {
        "file": path.relative_to(out_dir.resolve()).as_posix(),
        "format": path.suffix.lstrip("."),
        "kind": "packet" if job.packet else library.topics[(job.topics[0], job.language)].meta.kind,
        "id": job.name,
        "language": job.language,
        "audience": job.audience.value,
        "topics": topics,
        "options": {"page_size": job.page_size.value, "large_print": job.large_print,
                    "duplex": job.duplex, "clinic": clinic.name if clinic else None},
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


@contextmanager
def _locked(folder: Path):
    """Serialise manifest updates of builds that share an output folder."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def update_manifest(out_dir: Path, entries: list[dict[str, Any]], extra: Sequence[dict[str, Any]] = ()) -> Path:
    """Merge this build's entries into the folder's manifest, dropping files that are gone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir):
        return _update(out_dir, entries, extra)


def _update(out_dir: Path, entries, extra) -> Path:
    path = out_dir.resolve() / MANIFEST
    try:
        previous = json.loads(path.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        previous = []
    by_file = {e["file"]: e for e in previous if isinstance(e, dict) and "file" in e
               and (out_dir / e["file"]).is_file()}
    by_file.update({e["file"]: e for e in [*entries, *extra]})
    document = {"generator": "handouts", "files": [by_file[name] for name in sorted(by_file)]}
    write_atomic(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
