"""judgesmith.merge"""
