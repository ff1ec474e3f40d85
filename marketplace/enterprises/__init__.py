"""Enterprise profiles: yearly figures, the evaluation, tags, the two cultivation pools and policy push (issue #12)."""
