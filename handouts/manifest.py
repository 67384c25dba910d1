"""manifest.json: what each build wrote, with hashes, so a clinic can prove which version it printed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .model import Clinic, Job, Library

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


def manifest_data(root: Path, entries: list[dict[str, Any]], extra: Sequence[dict[str, Any]] = ()) -> bytes:
    """The folder's manifest after this build: its entries merged over the files still there.

    Called inside a `Transaction`, which holds the folder's lock; the result is
    staged with the build's other files and put in place with them.
    """
    path = root / MANIFEST
    try:
        previous = json.loads(path.read_text(encoding="utf-8")).get("files", []) if path.is_file() else []
    except (OSError, ValueError, AttributeError):
        previous = []
    if not isinstance(previous, list):
        previous = []
    by_file = {e["file"]: e for e in previous if isinstance(e, dict) and isinstance(e.get("file"), str)
               and (root / e["file"]).is_file()}
    by_file.update({e["file"]: e for e in [*entries, *extra]})
    document = {"generator": "handouts", "files": [by_file[name] for name in sorted(by_file)]}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
