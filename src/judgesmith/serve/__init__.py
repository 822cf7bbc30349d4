"""judgesmith.serve"""
