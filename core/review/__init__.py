"""The review stage: each batch's review log (scores, heatmap references, every decision, tamper evidence) and
what past logs tell about the catch rate; and the review session of an open batch (:mod:`core.review.session`:
its records, counts, pass and alarm lines, decisions and undo, as a front-end uses them).

The names below are the review log's public face; the modules beside it hold its parts.
"""
from core.review.fingerprints import file_fingerprint, file_sha256
from core.review.locations import (
    DATA_DIR_ENV, HEATMAP_FOLDER_NAME, LOG_FILE_NAME, LOG_FOLDER_NAME, data_root, default_log_path,
    fallback_log_path, find_log,
)
from core.review.log import ReviewLog, iter_flagged, open_for_batch
from core.review.records import (
    CLEARED, REVIEW_DECISIONS, SYSTEM_REVIEWER, UNDO, BatchInfo, ChangedFile, DecisionRecord, EventRecord,
    ImageRecord, ReviewLogCorrupt, ReviewLogError, ReviewLogLocked, ReviewLogMissing, ReviewLogReadOnly, Summary,
    summarize,
)
from core.review.schema import APPLICATION_ID, SCHEMA_VERSION
from core.review.transactions import DEFAULT_BUSY_TIMEOUT_S, DEFAULT_WRITE_PATIENCE_S, now_utc

__all__ = [
    "file_fingerprint", "file_sha256",
    "DATA_DIR_ENV", "HEATMAP_FOLDER_NAME", "LOG_FILE_NAME", "LOG_FOLDER_NAME", "data_root", "default_log_path",
    "fallback_log_path", "find_log",
    "ReviewLog", "iter_flagged", "open_for_batch",
    "CLEARED", "REVIEW_DECISIONS", "SYSTEM_REVIEWER", "UNDO", "BatchInfo", "ChangedFile", "DecisionRecord",
    "EventRecord", "ImageRecord", "ReviewLogCorrupt", "ReviewLogError", "ReviewLogLocked", "ReviewLogMissing",
    "ReviewLogReadOnly", "Summary", "summarize",
    "APPLICATION_ID", "SCHEMA_VERSION", "DEFAULT_BUSY_TIMEOUT_S", "DEFAULT_WRITE_PATIENCE_S", "now_utc",
]
