"""District monitoring (创新监测): 创新高分报表, 五色图 and 赛马比拼 over the district's units.

- periods.py: period names (YYYY-MM, YYYYQn) and their date ranges;
- indicators.py: the registry of computed indicators (key → label, measure, SQL by unit);
- rules.py: scoring, ranking, colours and arrows — pure functions over plain rows, no database;
- snapshots.py: taking (freezing) a period, and reading a frozen report back;
- reported.py: reported figures typed by admins or imported from XLSX; catalogue.py: indicators, targets, units;
- charts.py: the SVG tile map and rank chart geometry; exports.py: XLSX and PDF;
- access.py: who sees what; views.py / admin_views.py: pages; ../api/monitoring.py: the API.
"""
