"""Fast Lead workspaces (the seed's tenant): settings and allowed origins, the widget's configuration
and its publication to the CDN, public lead ingest and the leads read API."""
