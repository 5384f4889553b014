"""Live recording: a camera (or a video played as one) and a pressure insole into a session
folder that is readable at every moment, so a crash or an unplugged device keeps what came in.

Data flow, one direction, one thread per device:

    frame source -> capture thread -> video.mp4 (every frame as captured)
                                   -> queue -> pose thread -> pose.partial.csv (pose journal)
    insole board -> reader thread  -> insole.csv (+ insole_layout.json)
    main thread: phases (ready, countdown, standing, walking), the preview window or progress
                 lines, keys, session.json

Every sample is on one `SessionClock` (t = 0 when recording starts). `session.json` is
written when the folder is made, at start, every few seconds and at stop; its "state" stays
"recording" when the program was killed. The pose journal becomes `pose.npz` through the same
path as `gait analyze` takes on a session cut short (`pipeline.resolve_input`).
"""

from gait.record.recorder import record
from gait.record.state import RecordOptions, RecordResult
from gait.record.ui import HeadlessProgress, PreviewWindow

__all__ = ["HeadlessProgress", "PreviewWindow", "RecordOptions", "RecordResult", "record"]
