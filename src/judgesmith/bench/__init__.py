"""judgesmith.bench"""
