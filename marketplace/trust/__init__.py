"""Trust and contact (issue #11): 我有相关成果 responses to demands, 收藏, 通知公告, 成交公示.

services: responses.py, favourites.py, announcements.py (and deals/public.py, main/figures.py,
listings/contact.py nearby their data); pages: views.py (blueprint "trust").
"""
