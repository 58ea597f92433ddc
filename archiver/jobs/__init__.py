"""Jobs over the archive: re-extraction, reindexing, WACZ export, schedules, one-off archiving."""
