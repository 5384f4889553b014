"""On-disk recordings: pose tracks, insole CSVs and session folders (the contracts)."""
