"""Catalog: products, their modules and plans with default modules and limits (each limit with an
enforcement mode and alert thresholds)."""
