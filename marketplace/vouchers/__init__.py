"""创新券 (innovation vouchers): providers and their catalogue, schemes and vouchers, orders and claims,
the ledger that keeps each scheme's budget = remaining + reserved + redeemed, and the fraud rules."""
