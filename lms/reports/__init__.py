"""Officer statistics: populations, targets, residence history, rollups, figures, dashboards, exports."""
