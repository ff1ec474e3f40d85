"""创新券 (innovation vouchers): service institutions, their catalogue, schemes, vouchers, orders, claims."""

# The fixed list of technology-service categories: the catalogue's filter, a scheme's coverage, and what the
# enterprise evaluation recommends for a gap (e.g. 知识产权 for a missing patent).
SERVICE_CATEGORIES = ("检验检测", "知识产权", "技术查新", "成果评价", "技术转移", "科技咨询", "研发设计", "科技金融")
