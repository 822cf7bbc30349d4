"""judgesmith.data"""
