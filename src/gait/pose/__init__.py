"""From frames to a clean pose track: MediaPipe, view detection, left/right repair."""
