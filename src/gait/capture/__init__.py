"""Sources of data: video files, webcams, the serial insole and its simulator."""
