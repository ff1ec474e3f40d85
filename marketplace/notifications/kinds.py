"""Every notification kind, with the Chinese name that the settings page, grouped lists and mails show.

A kind not listed here (added later without a row) still works: it is named 其他通知 and cannot be
chosen for e-mail until it has a row.
"""
KIND_GROUPS = (
    ("信息发布", {"listing_approved": "信息审核通过", "listing_rejected": "信息审核驳回",
              "revision_approved": "信息修改审核通过", "revision_rejected": "信息修改审核驳回"}),
    ("匹配推荐", {"match_push": "匹配推荐", "subscription_match": "订阅匹配"}),
    ("政策与培育", {"policy": "政策推送", "voucher": "创新券办理"}),
    ("收藏与响应", {"favourite_changed": "收藏的信息有变化", "demand_response": "需求收到成果响应",
               "demand_response_closed": "成果响应已处理"}),
    ("咨询与交易", {"enquiry_received": "新的咨询", "enquiry_closed": "咨询结束", "deal_opened": "撮合交易发起",
                "deal_stage": "交易进展", "deal_terminated": "交易终止", "deal_assigned": "交易指派"}),
    ("揭榜挂帅", {"application_new": "揭榜申请", "application_shortlisted": "揭榜入围",
              "application_selected": "揭榜选中", "application_declined": "揭榜未入选",
              "application_withdrawn": "揭榜撤回", "challenge_started": "攻关启动", "challenge_expired": "榜单截止",
              "challenge_closed": "榜单结束", "challenge_cancelled": "榜单取消", "challenge_unclaimed": "榜单流榜",
              "milestone_reported": "里程碑进展", "milestone_accepted": "里程碑验收通过",
              "milestone_rejected": "里程碑需整改", "delivery_accepted": "成果验收通过",
              "delivery_failed": "成果验收未通过"}),
    ("单位与账号", {"join_requested": "加入单位申请", "join_approved": "加入单位获批", "join_rejected": "加入单位被拒",
               "org_admin": "单位管理员变更", "org_verified": "单位认证", "org_change_requested": "单位信息变更申请",
               "org_change_decided": "单位信息变更结果"}),
)
KIND_LABELS = {kind: label for _, kinds in KIND_GROUPS for kind, label in kinds.items()}
OTHER_LABEL = "其他通知"


def kind_label(kind):
    return KIND_LABELS.get(kind, OTHER_LABEL)
