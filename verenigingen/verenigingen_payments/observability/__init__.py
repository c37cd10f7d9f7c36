"""Operations: Prometheus metrics (multiprocess), health checks, the fail-fast configuration check.

Framework-free. The Frappe layer's adapters live in `api/operations.py`; see docs/ARCHITECTURE.md,
"Operations", for which package calls which `record_*` function.
"""

from .exposition import CONTENT_TYPE, compact_dead_processes, mark_process_dead, render_metrics
from .pipeline_metrics import PrometheusPipelineListener, install_pipeline_metrics

__all__ = [
    "CONTENT_TYPE", "PrometheusPipelineListener", "compact_dead_processes", "install_pipeline_metrics",
    "mark_process_dead", "render_metrics",
]
