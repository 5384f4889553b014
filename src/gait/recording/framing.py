"""What a recording's camera frames (`session.json` camera.framing; absent means "body").

"body": the whole body, located by the pose model. "legs": a lower-leg close-up of shins and
shoes from behind (as running shops film a treadmill), where a pose model finds nobody and
the legs are found in the image itself. Kept apart from `session` so the command line can name
the choices without loading the video stack.
"""

FRAMINGS = ("body", "legs")
