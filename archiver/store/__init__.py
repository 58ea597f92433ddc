"""The archive on disk: layout, SiteArchive, the catalog, search, CDXJ indexes and locks."""
