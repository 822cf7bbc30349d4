"""judgesmith.metrics"""
