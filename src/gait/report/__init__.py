"""Reports: figures (the only plotting in gait), the self-contained HTML report, the
comparison of sessions and the overlay video.

    from gait.report import ReportData, CycleCurves, write_report
    write_report("session/", metrics, ReportData(curves=CycleCurves({...})))
"""

from gait.report.data import CycleCurves, Events, InsoleData, PerStride, ReportData, load_curves, save_curves
from gait.report.session import write_report

__all__ = ["CycleCurves", "Events", "InsoleData", "PerStride", "ReportData", "load_curves", "save_curves",
           "write_report"]  # fmt: skip
