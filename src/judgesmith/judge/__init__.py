"""judgesmith.judge"""
